import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TenantReadError } from "../../src/errors";
import type { LocalTls } from "../../src/local-tenant/tls";
import type { ReadLimits } from "../../src/live/limits";
import { TenantReader } from "../../src/live/reader";
import { readTenant } from "../../src/live/snapshot";
import { projectRoot, tempProject, validTenant } from "../support/temp-project";
import { localTls, startHostileApi, type HostileApi, type Route } from "./hostile-api";
import { readerKeyPair, trustingFetch } from "./support";

// The live tenant is untrusted input: a Management API that answers wrong types, HTML, redirects or lists without end
// ends the read with a TenantReadError (exit 4) that names what was wrong, never a JavaScript error, an empty tenant
// or a hang. Each class against a hostile server on 127.0.0.1, read by the unmodified SDK.

const exec = promisify(execFile);
let scratch: string;
let tls: LocalTls;
let api: HostileApi | undefined;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "hostile-"));
  tls = await localTls(path.join(scratch, "tls"));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function hostile(routes: Record<string, Route>, limits: Partial<ReadLimits> = {}): Promise<TenantReadError> {
  api = await startHostileApi({ tls, routes });
  const reader = new TenantReader(
    { domain: api.domain, clientId: "reader", privateKey: readerKeyPair().privateKey, alg: "RS256" },
    { fetch: trustingFetch(tls.caPem), maxRetries: 0, limits },
  );
  try {
    await readTenant(reader);
  } catch (e) {
    if (e instanceof TenantReadError) return e;
    throw e;
  } finally {
    reader.done();
  }
  throw new Error("the read succeeded: expected a TenantReadError");
}

const client = { client_id: "c1", name: "Billing service", app_type: "non_interactive" };
const clients =
  (...list: unknown[]): Route =>
  () => ({ body: { clients: list, start: 0, limit: 100, total: list.length } });

describe("every field is checked at the edge: a wrong type names the endpoint, the record and the field", () => {
  const cases: { name: string; routes: Record<string, Route>; message: string }[] = [
    {
      name: "a credential's expires_at that is not a date",
      routes: {
        "GET /api/v2/clients": clients(client),
        "GET /api/v2/clients/c1/credentials": () => ({ body: [{ id: "cred_1", kid: "k", expires_at: "soon" }] }),
      },
      message:
        'GET /api/v2/clients/{id}/credentials: record 0 (cred_1): expires_at: expected an ISO 8601 date-time such as 2027-09-30T00:00:00.000Z, got "soon"',
    },
    {
      name: "a numeric client name",
      routes: { "GET /api/v2/clients": clients({ ...client, name: 42 }) },
      message: "GET /api/v2/clients: record 0 (c1): name: expected a string, got 42",
    },
    {
      name: "a numeric signing_alg",
      routes: {
        "GET /api/v2/resource-servers": () => ({
          body: { resource_servers: [{ id: "rs1", identifier: "https://orders.example", signing_alg: 256 }] },
        }),
      },
      message: "GET /api/v2/resource-servers: record 0 (rs1): signing_alg: expected a string, got 256",
    },
    {
      name: "a token lifetime that is not a number",
      routes: {
        "GET /api/v2/resource-servers": () => ({
          body: { resource_servers: [{ id: "rs1", identifier: "https://orders.example", token_lifetime: "1h" }] },
        }),
      },
      message: 'GET /api/v2/resource-servers: record 0 (rs1): token_lifetime: expected a number, got "1h"',
    },
    {
      name: "a trigger id that would become a path",
      routes: {
        "GET /api/v2/actions/actions": () => ({
          body: { actions: [{ id: "a1", name: "x", supported_triggers: [{ id: "../../clients", version: "v3" }] }] },
        }),
      },
      message:
        'GET /api/v2/actions/actions: record 0 (a1): supported_triggers.0.id: expected a trigger id such as post-login, got "../../clients"',
    },
    {
      name: "a client id that would become a path",
      routes: { "GET /api/v2/clients": clients({ ...client, client_id: "../grants" }) },
      message: "GET /api/v2/clients: record 0 (../grants): client_id: expected an id",
    },
    {
      name: "metadata that is not a string",
      routes: { "GET /api/v2/clients": clients({ ...client, client_metadata: { tier: { gold: true } } }) },
      message: 'GET /api/v2/clients: record 0 (c1): client_metadata.tier: expected a string, got {"gold":true}',
    },
    {
      name: "a grant without an audience",
      routes: { "GET /api/v2/client-grants": () => ({ body: { client_grants: [{ id: "cgr_1", client_id: "c1" }] } }) },
      message: "GET /api/v2/client-grants: record 0 (cgr_1): audience: expected a string, got nothing",
    },
    {
      name: "a role whose name is not a string",
      routes: { "GET /api/v2/roles": () => ({ body: { roles: [{ id: "rol_1", name: 42 }], start: 0, limit: 100, total: 1 } }) },
      message: "GET /api/v2/roles: record 0 (rol_1): name: expected a string, got 42",
    },
    {
      name: "a role permission whose scope is not a string",
      routes: {
        "GET /api/v2/roles": () => ({ body: { roles: [{ id: "rol_1", name: "Admins" }], start: 0, limit: 100, total: 1 } }),
        "GET /api/v2/roles/rol_1/permissions": () => ({
          body: { permissions: [{ permission_name: 7, resource_server_identifier: "https://a.example" }], start: 0, limit: 100, total: 1 },
        }),
      },
      message: "GET /api/v2/roles/{id}/permissions: record 0",
    },
    {
      name: "a token answer without an access token",
      routes: { "POST /oauth/token": () => ({ body: { token_type: "Bearer" } }) },
      message: "POST /oauth/token: the token endpoint's answer has no usable access_token and expires_in (access_token:",
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      expect((await hostile(c.routes)).message).toContain(c.message);
    });
});

describe("an answer that is not the Management API's is an error, never an empty tenant", () => {
  const html: Route = () => ({ body: "<html><body>Down for maintenance</body></html>" });

  it("an HTML page on every list", async () => {
    const e = await hostile({
      "GET /api/v2/clients": html,
      "GET /api/v2/client-grants": html,
      "GET /api/v2/resource-servers": html,
      "GET /api/v2/actions/actions": html,
    });
    expect(e.message).toMatch(
      /^GET \/api\/v2\/[a-z/-]+ answered 200 with text\/html, not JSON \(it begins "<html><body>Down for maintenance<\/body><\/html>"\): is https:\/\/127\.0\.0\.1:\d+ the tenant's Management API\?$/,
    );
  });

  it("JSON of another shape", async () => {
    const e = await hostile({ "GET /api/v2/clients": () => ({ body: { data: [] } }) });
    expect(e.message).toBe(
      'GET /api/v2/clients: the answer is not what the Management API answers (expected a JSON object with a "clients" array, got {"data":[]}); is this the tenant\'s Management API?',
    );
  });
});

describe("the reader never leaves the tenant's origin", () => {
  it("a redirect is an error naming where it pointed, and is not followed", async () => {
    const elsewhere = await startHostileApi();
    try {
      const e = await hostile({
        "GET /api/v2/clients": () => ({ status: 302, headers: { location: `${elsewhere.url}/api/v2/clients` } }),
      });
      expect(e.message).toBe(
        `GET /api/v2/clients answered 302, a redirect to ${elsewhere.url}: the reader follows no redirect (it talks to ${api!.url} only, and never sends its client assertion or token anywhere else); check the domain`,
      );
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("lists that never end are bounded, and the message says how to raise the bound", () => {
  it("full pages forever", async () => {
    const e = await hostile(
      {
        "GET /api/v2/clients": ({ url }) =>
          clients(...Array.from({ length: 100 }, (_, i) => ({ client_id: `p${url.searchParams.get("page")}c${i}`, name: `App ${i}` })))(
            {} as never,
          ),
      },
      { maxPages: 5 },
    );
    expect(e.message).toBe(
      "the read of the tenant stopped at its limit --max-pages 5: GET /api/v2/clients still had more after 5 pages (500 records). A tenant answering without end is refused; if it really is this large, raise the limit (--max-pages <n>)",
    );
  });

  it("roles: full pages forever", async () => {
    const e = await hostile(
      {
        "GET /api/v2/roles": ({ url }) => ({
          body: {
            roles: Array.from({ length: 100 }, (_, i) => ({ id: `rol_p${url.searchParams.get("page")}r${i}`, name: `Role ${i}` })),
            start: 0,
            limit: 100,
            total: 1_000_000,
          },
        }),
      },
      { maxPages: 5 },
    );
    expect(e.message).toBe(
      "the read of the tenant stopped at its limit --max-pages 5: GET /api/v2/roles still had more after 5 pages (500 records). A tenant answering without end is refused; if it really is this large, raise the limit (--max-pages <n>)",
    );
  });

  it("a role's permissions: full pages forever", async () => {
    const e = await hostile(
      {
        "GET /api/v2/roles": () => ({ body: { roles: [{ id: "rol_1", name: "Admins" }], start: 0, limit: 100, total: 1 } }),
        "GET /api/v2/roles/rol_1/permissions": ({ url }) => ({
          body: {
            permissions: Array.from({ length: 100 }, (_, i) => ({
              permission_name: `p${url.searchParams.get("page")}s${i}`,
              resource_server_identifier: "https://a.example",
            })),
            start: 0,
            limit: 100,
            total: 1_000_000,
          },
        }),
      },
      { maxPages: 5 },
    );
    expect(e.message).toContain("stopped at its limit --max-pages 5: GET /api/v2/roles/{id}/permissions still had more after 5 pages");
  });

  it("a checkpoint `next` forever", async () => {
    const e = await hostile(
      {
        "GET /api/v2/client-grants": () => ({
          body: { client_grants: [{ id: "cgr_1", client_id: "c1", audience: "https://a.example" }], next: "again" },
        }),
      },
      { maxPages: 5 },
    );
    expect(e.message).toContain("stopped at its limit --max-pages 5: GET /api/v2/client-grants still had more after 5 pages");
  });

  it("an action with thousands of supported triggers", async () => {
    const triggers = Array.from({ length: 3000 }, (_, i) => ({ id: `trigger-${i}`, version: "v1" }));
    const e = await hostile(
      { "GET /api/v2/actions/actions": () => ({ body: { actions: [{ id: "a1", name: "many", supported_triggers: triggers }] } }) },
      { maxCalls: 50 },
    );
    expect(e.message).toMatch(/^the read of the tenant stopped at its limit --max-calls 50: 50 Management API calls made/);
    expect(e.message).toContain("raise the limit (--max-calls <n>)");
    expect(api!.requests.length).toBeLessThanOrEqual(50);
  });

  it("an answer that never comes, within the time limit", async () => {
    const started = Date.now();
    const e = await hostile({ "GET /api/v2/clients": () => "hang" }, { maxSeconds: 1 });
    expect(e.message).toBe(
      "the read of the tenant stopped at its limit --timeout 1: the read took longer than 1 s. A tenant answering without end is refused; if it really is this large, raise the limit (--timeout <n>)",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

// Over 5 s: each case starts the executable (which compiles itself on its first run after a source change) once or
// twice. The SDK leaves its per-request timer (timeoutSeconds, 20 s) armed when the reader refuses an answer (auth0
// 7.1.0, dist/cjs/management/core/fetcher/makeRequest.js); the CLI's entry ends a command on its result all the same.
describe("import and drift as users run them (the executable, its own fetch): exit 4 and nothing written", { timeout: 240_000 }, () => {
  const keyFile = () => {
    const file = path.join(scratch, "reader.key");
    writeFileSync(file, readerKeyPair().privateKey, { mode: 0o600 });
    return file;
  };
  // Started trusting the local CA, as the re-execution --local makes would be (test/live/reader.test.ts runs that one):
  // what is checked here happens in the process that reads the tenant, with its own fetch.
  const run = (args: string[]) =>
    exec(process.execPath, [path.join(projectRoot, "cli/auth0-tenant.mjs"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caPath, AUTH0_CLIENT_ID: "", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "" },
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const tenantArgs = () => ["--local", api!.url, "--ca", tls.caPath, "--client-id", "reader", "--key-file", keyFile()];

  it("an HTML page on every list: import writes no stack, drift reports nothing gone", async () => {
    const project = tempProject({
      "Pulumi.dev.yaml": dump({ config: { "auth0:domain": "acme-dev.eu.auth0.com", "auth0-tenant:tenant": validTenant() } }),
    });
    const html: Route = () => ({ body: "<!doctype html><title>Sign in</title>" });
    api = await startHostileApi({
      tls,
      routes: Object.fromEntries(
        ["clients", "client-grants", "resource-servers", "actions/actions", "roles"].map((p) => [`GET /api/v2/${p}`, html]),
      ),
    });
    try {
      const imported = await run(["import", "--stack", "copy", "--dir", project.root, ...tenantArgs()]);
      expect(imported.stderr).toMatch(/answered 200 with text\/html, not JSON/);
      expect(imported.code).toBe(4);
      expect(existsSync(path.join(project.root, "Pulumi.copy.yaml"))).toBe(false);
      const drift = await run(["drift", "--stack", "dev", "--dir", project.root, ...tenantArgs()]);
      expect(drift.stderr).toMatch(/answered 200 with text\/html, not JSON/);
      expect(drift.stdout).toBe("");
      expect(drift.code).toBe(4);
    } finally {
      project.cleanup();
    }
  });

  it("a 307 from the token endpoint to plain HTTP elsewhere: the signed assertion is not sent there", async () => {
    const thief = await startHostileApi();
    const project = tempProject();
    try {
      api = await startHostileApi({
        tls,
        routes: { "POST /oauth/token": () => ({ status: 307, headers: { location: `${thief.url}/oauth/token` } }) },
      });
      const r = await run(["import", "--stack", "copy", "--dir", project.root, ...tenantArgs()]);
      expect(r.stderr).toContain(`POST /oauth/token answered 307, a redirect to ${thief.url}: the reader follows no redirect`);
      expect(r.code).toBe(4);
      expect(thief.requests).toEqual([]);
    } finally {
      await thief.close();
      project.cleanup();
    }
  });

  it("--max-pages bounds a list that never ends and is named in the message", async () => {
    const project = tempProject();
    api = await startHostileApi({
      tls,
      routes: {
        "GET /api/v2/clients": ({ url }) =>
          clients(...Array.from({ length: 100 }, (_, i) => ({ client_id: `p${url.searchParams.get("page")}c${i}` })))({} as never),
      },
    });
    try {
      const r = await run(["import", "--stack", "copy", "--dir", project.root, "--max-pages", "3", ...tenantArgs()]);
      expect(r.stderr).toContain("stopped at its limit --max-pages 3: GET /api/v2/clients still had more after 3 pages (300 records)");
      expect(r.code).toBe(4);
    } finally {
      project.cleanup();
    }
  });
});
