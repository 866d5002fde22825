import { execFile } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addManagementClient, READ_SCOPES } from "../../src/local-tenant/management";
import { TenantReader } from "../../src/live/reader";
import { readerSettings } from "../../src/live/settings";
import { readTenant } from "../../src/live/snapshot";
import { projectRoot, validTenant } from "../support/temp-project";
import { liveFixture, otherKeyPair, READER_ID, readerKeyPair, trustingFetch, readFailure, type LiveFixture } from "./support";

// The Management API reader on the official SDK against the local tenant: paging, bounded concurrency, the calls it
// makes, and a clean message for each way a read fails. Then the drift command as users run it (a child process that
// re-executes itself trusting the local CA).

const run = promisify(execFile);
let f: LiveFixture;
beforeAll(async () => {
  f = await liveFixture({ stack: "dev", config: { "auth0:domain": "acme-dev.eu.auth0.com", "auth0-tenant:tenant": validTenant() } });
});
afterAll(() => f?.close());

const failure = readFailure;

describe("reading the tenant", () => {
  it("auth0-tenant drift --local re-executes itself trusting the local CA, reports with the review's renderer, and fails on --fail-on", async () => {
    const keyFile = path.join(f.scratch, "reader.key");
    writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
    const args = [path.join(projectRoot, "cli/auth0-tenant.mjs"), "drift", "--stack", "dev", "--dir", f.project.root];
    const common = [...args, "--local", f.tenant.url, "--ca", f.tenant.tls!.caPath, "--client-id", READER_ID, "--key-file", keyFile];
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: "", AUTH0_CLIENT_ID: "", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "" };
    const result = await run(process.execPath, [...common, "--fail-on", "medium"], { cwd: projectRoot, env }).then(
      () => ({ code: 0, stdout: "" }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    // The reader itself is an application this stack does not manage, with a grant on the Management API.
    expect(result.stdout).toContain("## Auth0 drift: tenant localhost:");
    expect(result.stdout).toContain(
      `- **MEDIUM** dev: Tenant reader (${READER_ID}) may get tokens for https://acme-dev.eu.auth0.com/api/v2/`,
    );
    expect(result.code).toBe(1);
  });

  it("pages through 1000+ clients and 250 grants: one call per page, none per grant or scope", async () => {
    const store = f.tenant.management.store;
    const before = store.clients.size;
    for (let i = 0; i < 1050; i++)
      store.clients.add({
        client_id: `spa-${String(i).padStart(4, "0")}`,
        name: `Single page app ${i}`,
        app_type: "spa",
        is_first_party: true,
      });
    for (let i = 0; i < 250; i++)
      store.grants.add({
        id: `cgr_bulk${String(i).padStart(8, "0")}`,
        client_id: `spa-${String(i).padStart(4, "0")}`,
        audience: "https://orders.acme.example",
        scope: ["orders:read"],
      });
    try {
      const reader = f.reader();
      const clients = await reader.clients();
      expect(clients).toHaveLength(before + 1050);
      expect(new Set(clients.map((c) => c.client_id)).size).toBe(clients.length);
      const grants = await reader.grants();
      expect(grants).toHaveLength(store.grants.size);
      const pages = Math.floor((before + 1050) / 100) + 1;
      expect(reader.stats.byEndpoint).toEqual({
        "POST /oauth/token": 1,
        "GET /api/v2/clients": pages,
        "GET /api/v2/client-grants": Math.ceil(store.grants.size / 100),
      });
      expect(f.tenant.management.requests.filter((r) => r.path.startsWith("/api/v2/clients?")).at(-1)!.path).toContain("per_page=100");
    } finally {
      for (let i = 0; i < 1050; i++) store.clients.delete(`spa-${String(i).padStart(4, "0")}`);
      for (let i = 0; i < 250; i++) store.grants.remove(`cgr_bulk${String(i).padStart(8, "0")}`);
    }
  });

  it("reads the whole tenant with one credentials call per application, at most 4 at once, and draws progress", async () => {
    let inFlight = 0;
    let peak = 0;
    const inner = trustingFetch(f.tenant.tls!.caPem);
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const credentials = /\/clients\/[^/]+\/credentials/.test(String(input));
      if (credentials) peak = Math.max(peak, ++inFlight);
      try {
        return await inner(input, init);
      } finally {
        if (credentials) inFlight--;
      }
    };
    const store = f.tenant.management.store;
    for (let i = 0; i < 40; i++) store.clients.add({ client_id: `m2m-${i}`, name: `Service ${i}`, app_type: "non_interactive" });
    const roles = Array.from({ length: 3 }, (_, i) => store.roles.create({ name: `Role ${i}` }).id);
    const lines: string[] = [];
    try {
      const reader = new TenantReader(f.settings, { fetch, concurrency: 9, progress: (l) => lines.push(l) });
      const live = await readTenant(reader);
      expect(live.clients).toHaveLength(store.clients.size);
      expect(reader.stats.byEndpoint["GET /api/v2/clients/{id}/credentials"]).toBe(store.clients.size);
      expect(peak).toBe(4); // asked for 9: bounded to 4
      expect(live.roles).toHaveLength(store.roles.size);
      expect(reader.stats.byEndpoint["GET /api/v2/roles"]).toBe(1);
      expect(reader.stats.byEndpoint["GET /api/v2/roles/{id}/permissions"]).toBe(store.roles.size);
      expect(Object.keys(reader.stats.byEndpoint).sort()).toEqual([
        "GET /api/v2/actions/actions",
        "GET /api/v2/actions/triggers/{trigger}/bindings",
        "GET /api/v2/client-grants",
        "GET /api/v2/clients",
        "GET /api/v2/clients/{id}/credentials",
        "GET /api/v2/resource-servers",
        "GET /api/v2/roles",
        "GET /api/v2/roles/{id}/permissions",
        "POST /oauth/token",
      ]);
      expect(lines.some((l) => /^reading localhost:\d+: (clients|credentials|grants)/.test(l))).toBe(true);
      expect(lines.at(-1)).toBe("");
    } finally {
      for (let i = 0; i < 40; i++) store.clients.delete(`m2m-${i}`);
      for (const id of roles) store.roles.remove(id);
    }
  });

  it("waits out a 429 as the SDK does (Retry-After) and goes on; a storm of 429s runs its retries out with a clean message", async () => {
    const once = f.tenant.management.faults.add({ method: "GET", path: "/resource-servers", status: 429, retryAfter: 1 });
    const storm = f.tenant.management.faults.add({ method: "GET", path: "/clients", status: 429, retryAfter: 0, times: 20 });
    try {
      const reader = f.reader();
      const started = Date.now();
      const [servers, stormed] = await Promise.all([reader.resourceServers(), failure(f.reader({ maxRetries: 1 }).clients())]);
      expect(servers.length).toBeGreaterThan(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(once.hits).toBe(1);
      expect(reader.stats.byStatus).toMatchObject({ 429: 1 });
      expect(stormed.message).toMatch(/^Auth0 kept answering 429 Too Many Requests for GET \/api\/v2\/clients after 1 retries/);
      expect(storm.hits).toBe(2);
    } finally {
      f.tenant.management.faults.clear();
    }
  });
});

describe("a failed read is one clean message that says what to do", () => {
  it("401 at the token endpoint: a key that is not the client's", async () => {
    const other = otherKeyPair();
    const e = await failure(
      new TenantReader({ ...f.settings, privateKey: other.privateKey }, { fetch: trustingFetch(f.tenant.tls!.caPem) }).clients(),
    );
    expect(e.message).toMatch(/^Auth0 refused the reader's client assertion at https:\/\/localhost:\d+\/oauth\/token \(401/);
    expect(e.message).toContain(
      `check that ${READER_ID} is the application's client id and that the private key's public half is one of its credentials`,
    );
  });

  it("403 names the missing scope and the read scopes the reader needs", async () => {
    const narrow = otherKeyPair();
    await addManagementClient(f.tenant.management.store, {
      clientId: "narrow-reader",
      publicKeyPem: narrow.publicKey,
      scopes: READ_SCOPES.filter((s) => s !== "read:client_grants"),
    });
    const reader = new TenantReader(
      { ...f.settings, clientId: "narrow-reader", privateKey: narrow.privateKey },
      { fetch: trustingFetch(f.tenant.tls!.caPem) },
    );
    const e = await failure(readTenant(reader));
    expect(e.message).toContain(
      "the reader's application narrow-reader lacks the Management API scope read:client_grants (GET /api/v2/client-grants answered 403",
    );
    expect(e.message).toContain(
      "The reader needs only read:clients read:client_credentials read:client_grants read:resource_servers read:actions read:roles",
    );
  });

  it("connection refused", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const e = await failure(new TenantReader({ ...f.settings, domain: `127.0.0.1:${closed}` }).clients());
    expect(e.message).toBe(
      `cannot connect to https://127.0.0.1:${closed} (connection refused): is the tenant's domain right, and is \`npm run tenant:local\` running?`,
    );
  });

  it("a 5xx that persists", async () => {
    f.tenant.management.faults.add({ method: "GET", path: "/actions/actions", status: 503, times: 5 });
    try {
      const e = await failure(f.reader({ maxRetries: 0 }).actions());
      expect(e.message).toBe(
        "GET /api/v2/actions/actions answered 503 (Injected fault) after 0 retries: Auth0 is failing; try again later",
      );
    } finally {
      f.tenant.management.faults.clear();
    }
  });

  it("a certificate this process does not trust says how to trust the local CA", async () => {
    const e = await failure(new TenantReader(f.settings).clients()); // the global fetch: NODE_EXTRA_CA_CERTS lacks the local CA
    expect(e.message).toMatch(
      /presented a certificate this process does not trust \(\w+\): for the local tenant, start the command with NODE_EXTRA_CA_CERTS/,
    );
  });

  it("settings: what is missing is named; a PKCS#1 key is accepted; a public key is refused", async () => {
    await expect(readerSettings({ env: {} })).rejects.toThrow(
      "cannot read the tenant: missing the tenant's domain (--domain, or auth0:domain in the stack file); the reader's client id (--client-id, AUTH0_CLIENT_ID, or auth0:clientId); its private key (--key-file <pem>, or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY)",
    );
    const pkcs1 = createPrivateKey(readerKeyPair().privateKey).export({ type: "pkcs1", format: "pem" }).toString();
    const s = await readerSettings({
      config: { "auth0:domain": "acme.eu.auth0.com", "auth0:clientId": "abc" },
      env: { AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: pkcs1 },
    });
    expect(s).toMatchObject({ domain: "acme.eu.auth0.com", clientId: "abc", alg: "RS256" });
    expect(s.privateKey.split("\n")[0]).toBe(`-----BEGIN ${"PRIVATE"} KEY-----`); // converted to PKCS#8
    await expect(
      readerSettings({ domain: "d", clientId: "c", env: { AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: readerKeyPair().publicKey } }),
    ).rejects.toThrow("AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: not a PEM private key");
  });
});
