import { execFile } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localClientId, startLocalTenant, type LocalTenant } from "../../src/local-tenant";
import { ALL_MANAGEMENT_SCOPES } from "../../src/local-tenant/management";
import { projectRoot, tempProject } from "../support/temp-project";
import { keyDealer } from "../support/rsa-key-pairs";

// The official `auth0` v7 ManagementClient, unmodified, against the local tenant over HTTPS: private_key_jwt with a
// PKCS#8 key, paging across 1200+ clients, an edit of each kind, its error classes, and its retry on a 429. It runs in
// a child process started with NODE_EXTRA_CA_CERTS (read only when a process starts), as a tenant reader would.

const run = promisify(execFile);
const STACK = "sdk";
const WEB_APPS = 1200;
const keyPair = keyDealer();
const svc = keyPair();
const writer = keyPair();
const narrow = keyPair();
const uploaded = keyPair();
const SVC = localClientId(STACK, "svc");

let project: ReturnType<typeof tempProject>;
let scratch: string;
let tenant: LocalTenant;

beforeAll(async () => {
  project = tempProject();
  scratch = mkdtempSync(path.join(tmpdir(), "management-sdk-"));
  mkdirSync(path.join(project.root, "keys/sdk"), { recursive: true });
  writeFileSync(path.join(project.root, "keys/sdk/svc.pem"), svc.publicKey);
  writeFileSync(path.join(scratch, "writer.key"), writer.privateKey, { mode: 0o600 });
  writeFileSync(path.join(scratch, "narrow.key"), narrow.privateKey, { mode: 0o600 });
  // A synthetic large tenant: 1200 web applications besides the usual ones (regular_web apps need no key files).
  const applications: Record<string, unknown> = {
    svc: {
      type: "m2m",
      credentials: [{ name: "svc-1", publicKey: "keys/sdk/svc.pem" }],
      grants: { orders: ["orders:read"], ledger: ["ledger:read"] },
    },
  };
  for (let i = 0; i < WEB_APPS; i++) {
    applications[`web-${String(i).padStart(4, "0")}`] = { type: "regular_web", callbacks: [`https://app${i}.sdk.test/callback`] };
  }
  const config = {
    "auth0:domain": "acme-sdk-mgmt.eu.auth0.com",
    "auth0-tenant:tenant": {
      apis: {
        orders: { identifier: "https://orders.sdk.test", scopes: { "orders:read": "Read orders" } },
        ledger: { identifier: "https://ledger.sdk.test", signingAlg: "PS256", scopes: { "ledger:read": "Read the ledger" } },
      },
      applications,
      actions: {
        "login-claims": {
          trigger: "post-login",
          source: "actions/login-claims.ts",
          claims: [{ name: "https://acme.example/connection", from: "connection.name", tokens: ["id", "access"] }],
        },
      },
      triggers: { "post-login": ["login-claims"] },
    },
  };
  writeFileSync(path.join(project.root, `Pulumi.${STACK}.yaml`), stringify({ config }));
  tenant = await startLocalTenant({
    dir: project.root,
    stack: STACK,
    tlsDir: path.join(scratch, "tls"),
    managementClients: [
      { clientId: "sdk-writer", publicKeyPem: writer.publicKey, scopes: ALL_MANAGEMENT_SCOPES },
      { clientId: "sdk-narrow", publicKeyPem: narrow.publicKey, scopes: ["read:clients"] },
    ],
  });
});
afterAll(async () => {
  await tenant?.close();
  project?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * The child: a tenant reader and a dashboard-like writer on the SDK as its README shows it. No custom fetch, no
 * insecure switch; only the domain (localhost:<port>) and NODE_EXTRA_CA_CERTS are local. Prints one JSON object.
 */
const CHILD = String.raw`
import { readFileSync } from "node:fs";
import { ManagementClient, ManagementError } from "auth0";

const input = JSON.parse(process.argv[1]);
const { domain } = input;
const client = (id, keyFile) =>
  new ManagementClient({ domain, clientId: id, clientAssertionSigningKey: readFileSync(keyFile, "utf8"), clientAssertionSigningAlg: "RS256" });
const m = client("sdk-writer", input.writerKey);
const out = {};
const all = async (pagePromise) => { const items = []; for await (const item of await pagePromise) items.push(item); return items; };
const failure = async (p) => {
  try { await p; return { ok: true }; } catch (e) {
    return { name: e.constructor.name, management: e instanceof ManagementError, statusCode: e.statusCode, body: e.body,
      retryAfter: e.rawResponse?.headers?.get?.("retry-after") ?? null };
  }
};

// ---- reads, with paging ----
const firstPage = await m.clients.list({ per_page: 100 });
out.rateLimitHeader = firstPage.rawResponse.headers.get("x-ratelimit-limit");
out.clientIds = (await all(m.clients.list({ per_page: 100 }))).map((c) => c.client_id);
out.svc = await m.clients.get(input.svc);
out.credentials = await m.clients.credentials.list(input.svc);
out.grants = await all(m.clientGrants.list({ take: 2 }));
let t0 = Date.now();
out.resourceServers = await all(m.resourceServers.list({ per_page: 1 })); // the first request meets a 429 (retry-after: 1)
out.resourceServersMs = Date.now() - t0;
out.rsByIdentifier = await m.resourceServers.get("https://orders.sdk.test");
out.actions = await all(m.actions.list({ per_page: 1 }));
out.bindings = await all(m.actions.triggers.bindings.list("post-login", { per_page: 1 }));

// ---- an edit of each kind ----
const created = await m.clients.create({ name: "Dashboard app", app_type: "non_interactive", grant_types: ["client_credentials"] });
const id = created.client_id;
out.clientUpdated = await m.clients.update(id, { description: "edited in the dashboard", client_metadata: { tier: "gold" } });
const cred = await m.clients.credentials.create(id, { credential_type: "public_key", name: "uploaded", pem: input.uploadedPem, alg: "RS256" });
out.credentialCreated = cred;
out.credentialUpdated = await m.clients.credentials.update(id, cred.id, { expires_at: "2031-01-01T00:00:00Z" });
out.clientAttached = await m.clients.update(id, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id }] } }, token_endpoint_auth_method: null });
const grant = await m.clientGrants.create({ client_id: id, audience: "https://orders.sdk.test", scope: ["orders:read"] });
out.grantCreated = grant;
out.grantUpdated = await m.clientGrants.update(grant.id, { scope: [] });
const rs = await m.resourceServers.create({ identifier: "https://new.sdk.test", name: "New API", scopes: [{ value: "new:read", description: "Read" }] });
out.rsCreated = rs;
out.rsUpdated = await m.resourceServers.update(rs.id, { scopes: [{ value: "new:read", description: "Read" }, { value: "new:write", description: "Write" }] });
const action = await m.actions.create({ name: "dashboard-action", supported_triggers: [{ id: "post-login", version: "v3" }], code: "exports.onExecutePostLogin = async () => {};" });
out.actionCreated = action;
out.actionUpdated = await m.actions.update(action.id, { code: "exports.onExecutePostLogin = async (event, api) => {};" });
out.actionDeployed = await m.actions.deploy(action.id);
const existing = await all(m.actions.triggers.bindings.list("post-login"));
out.bindingsPatched = await m.actions.triggers.bindings.updateMany("post-login", {
  bindings: [
    ...existing.map((b) => ({ ref: { type: "action_id", value: b.action.id }, display_name: b.display_name })),
    { ref: { type: "action_id", value: action.id }, display_name: "Dashboard action" },
  ],
});
out.deleteBound = await failure(m.actions.delete(action.id));
out.deleteForced = await failure(m.actions.delete(action.id, { force: true }));
out.deletes = [
  await failure(m.clientGrants.delete(grant.id)),
  await failure(m.clients.credentials.delete(id, cred.id)),
  await failure(m.resourceServers.delete(rs.id)),
  await failure(m.clients.delete(id)),
];
out.bindingsAfter = (await all(m.actions.triggers.bindings.list("post-login"))).map((b) => b.display_name);

// ---- errors ----
out.notFound = await failure(m.clients.get("this-client-does-not-exist"));
out.forbidden = await failure(client("sdk-narrow", input.narrowKey).clientGrants.list());
out.unauthorized = await failure(new ManagementClient({ domain, token: "not-a-token" }).clients.list());
out.serverError = await failure(m.actions.triggers.list({ maxRetries: 0 })); // a 500 is injected
console.log(JSON.stringify(out));
`;

describe("the official auth0 v7 ManagementClient against the local Management API over HTTPS", () => {
  it("authenticates with private_key_jwt, pages through 1200+ clients and every list, edits each kind, and sees Auth0's errors and retries", async () => {
    expect(tenant.protocol).toBe("https");
    const domain = new URL(tenant.url).host; // localhost:<port>
    const faults = tenant.management.faults;
    const rateLimited = faults.add({ method: "GET", path: "/resource-servers", status: 429, retryAfter: 1 });
    const failing = faults.add({ method: "GET", path: "/actions/triggers", status: 500 });
    const input = {
      domain,
      svc: SVC,
      writerKey: path.join(scratch, "writer.key"),
      narrowKey: path.join(scratch, "narrow.key"),
      uploadedPem: uploaded.publicKey,
    };
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", CHILD, JSON.stringify(input)], {
      cwd: projectRoot, // where `auth0` resolves from
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tenant.tls!.caPath },
      timeout: 30_000,
    });
    const out = JSON.parse(stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the child
    const store = tenant.management.store;
    const log = tenant.management.requests;

    // Reads, paging across 13 pages of clients (1203 clients, 100 a page).
    expect(out.rateLimitHeader).toBe("50");
    expect(out.clientIds.length).toBe(WEB_APPS + 4); // with the tenant's global client
    expect(new Set(out.clientIds).size).toBe(out.clientIds.length);
    expect(out.clientIds).toEqual(expect.arrayContaining([SVC, localClientId(STACK, "web-1199"), "sdk-writer", "sdk-narrow"]));
    const clientPages = log
      .filter((r) => r.status === 200 && r.path.startsWith("/api/v2/clients?") && r.path.includes("per_page=100"))
      .map((r) => new URL(r.path, "x:/").searchParams.get("page"));
    // The first page once for its headers, then the iteration: pages 0 to 12, the last one short (4 clients).
    expect(clientPages).toEqual(["0", ...Array.from({ length: 13 }, (_, i) => String(i))]);
    expect(out.svc).toMatchObject({ client_id: SVC, app_type: "non_interactive" });
    expect(out.credentials).toEqual([
      expect.objectContaining({ name: "svc-1", kid: await calculateJwkThumbprint(await exportJWK(createPublicKey(svc.publicKey))) }),
    ]);
    expect(out.grants.map((g: { client_id: string }) => g.client_id)).toEqual([SVC, SVC, "sdk-writer", "sdk-narrow"]);
    // Checkpoint paging: the SDK sends back `next` as `from` until a page has none (the narrow client's 403 last).
    expect(log.filter((r) => r.path.startsWith("/api/v2/client-grants?")).map((r) => [r.path, r.status])).toEqual([
      ["/api/v2/client-grants?include_totals=true&take=2", 200],
      [`/api/v2/client-grants?include_totals=true&from=${Buffer.from("2").toString("base64url")}&take=2`, 200],
      ["/api/v2/client-grants?include_totals=true&take=50", 403],
    ]);
    expect(out.resourceServers.map((r: { identifier: string }) => r.identifier)).toEqual([
      "https://acme-sdk-mgmt.eu.auth0.com/api/v2/",
      "https://orders.sdk.test",
      "https://ledger.sdk.test",
    ]);
    expect(rateLimited).toMatchObject({ hits: 1, remaining: 0 });
    expect(out.resourceServersMs).toBeGreaterThanOrEqual(900); // the SDK waited retry-after: 1 before retrying
    expect(out.rsByIdentifier.identifier).toBe("https://orders.sdk.test");
    expect(out.actions.map((a: { name: string }) => a.name)).toEqual(["login-claims"]);
    expect(out.bindings.map((b: { display_name: string }) => b.display_name)).toEqual(["login-claims"]);

    // Edits of each kind, through the SDK.
    expect(out.clientUpdated).toMatchObject({ description: "edited in the dashboard", client_metadata: { tier: "gold" } });
    expect(out.credentialCreated).toMatchObject({
      credential_type: "public_key",
      name: "uploaded",
      kid: await calculateJwkThumbprint(await exportJWK(createPublicKey(uploaded.publicKey))),
    });
    expect(JSON.stringify(out.credentialCreated)).not.toContain("BEGIN");
    expect(out.credentialUpdated.expires_at).toBe("2031-01-01T00:00:00.000Z");
    expect(out.clientAttached.client_authentication_methods).toEqual({
      private_key_jwt: { credentials: [{ id: out.credentialCreated.id }] },
    });
    expect(out.clientAttached).not.toHaveProperty("token_endpoint_auth_method");
    expect(out.grantCreated.id).toMatch(/^cgr_/);
    expect(out.grantUpdated.scope).toEqual([]);
    expect(out.rsUpdated.scopes.map((s: { value: string }) => s.value)).toEqual(["new:read", "new:write"]);
    expect(out.actionCreated.status).toBe("pending");
    expect(out.actionUpdated.all_changes_deployed).toBe(false);
    expect(out.actionDeployed).toMatchObject({ number: 1, action: { id: out.actionCreated.id } });
    expect(out.bindingsPatched.bindings.map((b: { display_name: string }) => b.display_name)).toEqual(["login-claims", "Dashboard action"]);
    expect(out.deleteBound).toMatchObject({ management: true, statusCode: 409, body: { statusCode: 409, error: "Conflict" } });
    expect(out.deleteForced).toEqual({ ok: true });
    expect(out.deletes).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    expect(out.bindingsAfter).toEqual(["login-claims"]);
    expect(store.clients.has(out.clientUpdated.client_id)).toBe(false);
    expect(store.resourceServers.byIdentifier("https://new.sdk.test")).toBeUndefined();

    // Errors as the SDK surfaces them.
    expect(out.notFound).toMatchObject({
      name: "NotFoundError",
      management: true,
      statusCode: 404,
      body: { statusCode: 404, error: "Not Found", message: "The client does not exist", errorCode: "inexistent_client" },
    });
    expect(out.forbidden).toMatchObject({
      name: "ForbiddenError",
      statusCode: 403,
      body: { message: "Insufficient scope, expected any of: read:client_grants", errorCode: "insufficient_scope" },
    });
    expect(out.unauthorized).toMatchObject({ name: "UnauthorizedError", statusCode: 401, body: { message: "Invalid token" } });
    expect(out.serverError).toMatchObject({ management: true, statusCode: 500 });
    expect(failing).toMatchObject({ hits: 1 });
  });
});

/** The SDK's own retry, unconfigured: it must see the enforced limit's 429s and back off until each call is served. */
const BACKOFF_CHILD = String.raw`
import { readFileSync } from "node:fs";
import { ManagementClient } from "auth0";
const input = JSON.parse(process.argv[1]);
const m = new ManagementClient({ domain: input.domain, clientId: "sdk-writer", clientAssertionSigningKey: readFileSync(input.writerKey, "utf8"), clientAssertionSigningAlg: "RS256" });
const started = Date.now();
const names = [];
for (let i = 0; i < 4; i++) names.push((await m.resourceServers.get("https://orders.sdk.test")).identifier);
console.log(JSON.stringify({ names, ms: Date.now() - started }));
`;

describe("an enforced rate limit (tenant local --rate-limit) against the official SDK's backoff", () => {
  it("past the limit the SDK meets 429s (retry-after: 1), waits, and every call is served in the end", async () => {
    const limiter = tenant.management.rateLimit;
    Object.assign(limiter, { enforce: true, limit: 2, windowSeconds: 1 });
    const from = tenant.management.requests.length;
    try {
      const { stdout } = await run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          BACKOFF_CHILD,
          JSON.stringify({ domain: new URL(tenant.url).host, writerKey: path.join(scratch, "writer.key") }),
        ],
        { cwd: projectRoot, env: { ...process.env, NODE_EXTRA_CA_CERTS: tenant.tls!.caPath }, timeout: 30_000 },
      );
      const out = JSON.parse(stdout) as { names: string[]; ms: number };
      expect(out.names).toEqual(Array(4).fill("https://orders.sdk.test"));
      const statuses = tenant.management.requests.slice(from).map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
      expect(statuses).toContain(429); // the SDK met the limit and retried
      expect(out.ms).toBeGreaterThanOrEqual(900); // it waited for the window to refill (retry-after: 1)
    } finally {
      Object.assign(limiter, { enforce: false, limit: 50, windowSeconds: 1 });
    }
  });
});
