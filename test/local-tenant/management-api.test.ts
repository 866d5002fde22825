import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT } from "jose";
import { createPublicKey } from "node:crypto";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localClientId, startLocalTenant, type LocalTenant } from "../../src/local-tenant";
import { ASSERTION_TYPE } from "../../src/local-tenant/assertion";
import { clientAssertion, requestToken } from "../../src/local-tenant/client";
import { ALL_MANAGEMENT_SCOPES, LocalManagementApi, READ_SCOPES } from "../../src/local-tenant/management";
import {
  defaultManagementClientId,
  describeManagementApi,
  managementClientFromFlags,
  parseManagementScopes,
  parseRateLimit,
} from "../../src/local-tenant/management/cli";
import { globalClient } from "@auth0-tenant/management-api-emulator";
import { SigningKeys } from "../../src/local-tenant/signing-keys";
import { tempProject } from "../support/temp-project";
import { keyDealer } from "../support/rsa-key-pairs";

// The local Management API over plain HTTP, in process (the routes and rules are the same over HTTPS; the official
// SDK over HTTPS is in management-sdk.test.ts).

const DOMAIN = "acme-mgmt.eu.auth0.com";
const STACK = "mgmt";
const keyPair = keyDealer();
const svc = keyPair();
const reader = keyPair();
const writer = keyPair();
const narrow = keyPair();
const extra = keyPair();
const SVC = localClientId(STACK, "svc");
const PORTAL = localClientId(STACK, "portal");
const shapes = JSON.parse(readFileSync(path.join(__dirname, "fixtures/management-shapes.json"), "utf8")) as Record<
  string,
  { shape: unknown }
>;
const shape = (name: string) => shapes[name]!.shape;

let project: ReturnType<typeof tempProject>;
let tenant: LocalTenant;
let clock = new Date();
const tokens: Record<string, string> = {};
const signingKeys = SigningKeys.generate();

beforeAll(async () => {
  project = tempProject();
  mkdirSync(path.join(project.root, "keys/mgmt"), { recursive: true });
  writeFileSync(path.join(project.root, "keys/mgmt/svc.pem"), svc.publicKey);
  const config = {
    "auth0:domain": DOMAIN,
    "auth0-tenant:billingApiKey": { secure: "v1:not-decrypted-here" },
    "auth0-tenant:tenant": {
      apis: {
        orders: {
          identifier: "https://orders.mgmt.test",
          name: "Orders API",
          tokenLifetime: 3600,
          scopes: { "orders:read": "Read orders", "orders:write": "Write orders" },
        },
        ledger: { identifier: "https://ledger.mgmt.test", signingAlg: "PS256", scopes: { "ledger:read": "Read the ledger" } },
      },
      applications: {
        svc: {
          type: "m2m",
          name: "Service",
          metadata: { tenant_id: "acme" },
          credentials: [
            { name: "svc-1", publicKey: "keys/mgmt/svc.pem", expiresAt: "2030-01-31T00:00:00Z" },
            { name: "svc-cert", publicKey: "keys/reporting-2026.crt", algorithm: "PS256" },
          ],
          grants: { orders: ["orders:write", "orders:read"], ledger: ["ledger:read"] },
        },
        portal: {
          type: "regular_web",
          name: "Portal",
          callbacks: ["https://portal.mgmt.test/callback"],
          allowedLogoutUrls: ["https://portal.mgmt.test/"],
          webOrigins: ["https://portal.mgmt.test"],
        },
      },
      actions: {
        "client-claims": {
          trigger: "credentials-exchange",
          source: "actions/client-claims.ts",
          claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
          secrets: { API_KEY: { config: "billingApiKey" } },
        },
        "login-claims": {
          trigger: "post-login",
          source: "actions/login-claims.ts",
          claims: [{ name: "https://acme.example/connection", from: "connection.name", tokens: ["id", "access"] }],
        },
      },
      triggers: { "post-login": ["login-claims"], "credentials-exchange": ["client-claims"] },
    },
  };
  writeFileSync(path.join(project.root, `Pulumi.${STACK}.yaml`), stringify({ config }));
  tenant = await startLocalTenant({
    dir: project.root,
    stack: STACK,
    protocol: "http",
    now: () => clock,
    signingKeys,
    managementClients: [
      { clientId: "mgmt-reader", publicKeyPem: reader.publicKey, scopes: READ_SCOPES },
      { clientId: "mgmt-writer", publicKeyPem: writer.publicKey, scopes: ALL_MANAGEMENT_SCOPES },
      { clientId: "mgmt-narrow", publicKeyPem: narrow.publicKey, scopes: ["read:clients"] },
    ],
  });
  for (const [id, key] of [
    ["mgmt-reader", reader],
    ["mgmt-writer", writer],
    ["mgmt-narrow", narrow],
  ] as const) {
    const r = await managementToken(id, key.privateKey);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    tokens[id] = String(r.body.access_token);
  }
});
afterAll(async () => {
  await tenant?.close();
  project?.cleanup();
});
beforeEach(() => {
  clock = new Date();
  tenant.management.faults.clear();
  tenant.management.rateLimit.enforce = false;
});

async function managementToken(clientId: string, privateKeyPem: string, params: Record<string, string> = {}) {
  const assertion = await clientAssertion({ clientId, privateKeyPem, alg: "RS256", audience: tenant.issuer, now: clock });
  return requestToken(`${tenant.url}/oauth/token`, {
    grant_type: "client_credentials",
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    audience: `${tenant.url}/api/v2/`,
    ...params,
  });
}

interface Answer {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  text: string;
}

async function api(method: string, pathAndQuery: string, options: { token?: string | null; body?: unknown } = {}): Promise<Answer> {
  const token = options.token === undefined ? tokens["mgmt-writer"] : options.token;
  const res = await fetch(`${tenant.url}/api/v2${pathAndQuery}`, {
    method,
    headers: {
      ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}
const get = (p: string, token?: string | null) => api("GET", p, { token });

// ---- shape comparison with the recorded responses (test/local-tenant/fixtures/management-shapes.json) ----

const FORMATS: Record<string, RegExp> = {
  "date-time-ms": /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  "date-time": /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  "credential-id": /^cred_[A-Za-z0-9]{22}$/,
  "grant-id": /^cgr_[A-Za-z0-9]{16}$/,
  "object-id": /^[0-9a-f]{24}$/,
};
const typeOf = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v;

/** Where `value` leaves the recorded shape: a key Auth0 did not send, another JSON type, another format. */
function shapeErrors(value: unknown, recorded: unknown, at = "$"): string[] {
  if (typeof recorded === "string") {
    const [type, format] = recorded.split(":") as [string, string | undefined];
    const actual = typeOf(value);
    if (actual !== type && !(type === "number" && actual === "integer")) return [`${at}: ${actual} (recorded: ${type})`];
    if (format && !FORMATS[format]!.test(value as string)) return [`${at}: ${String(value)} is not ${format}`];
    return [];
  }
  if (Array.isArray(recorded)) {
    if (!Array.isArray(value)) return [`${at}: ${typeOf(value)} (recorded: array)`];
    return recorded.length === 0 ? [] : value.flatMap((v, i) => shapeErrors(v, recorded[0], `${at}[${i}]`));
  }
  if (typeOf(value) !== "object") return [`${at}: ${typeOf(value)} (recorded: object)`];
  const shapeObject = recorded as Record<string, unknown>;
  return Object.entries(value as object).flatMap(([k, v]) => {
    const s = k in shapeObject ? shapeObject[k] : shapeObject["*"];
    return s === undefined ? [`${at}.${k}: not in the recorded response`] : shapeErrors(v, s, `${at}.${k}`);
  });
}

/** `value` keeps to the recorded shape and has every recorded key except `optional` ones. */
function expectShape(value: unknown, recorded: unknown, optional: string[] = []) {
  expect(shapeErrors(value, recorded)).toEqual([]);
  const missing = Object.keys(recorded as object).filter((k) => k !== "*" && !optional.includes(k) && !(k in (value as object)));
  expect(missing, "recorded keys missing").toEqual([]);
}

const clientShape = () => {
  const merged = {
    ...(shape("client-private-key-jwt") as object),
    ...((shape("clients-page") as { clients: object[] }).clients[0] as object),
  };
  return merged;
};

// ---- tests ----

describe("the local Management API: the plan as if deployed", () => {
  it("lists every client with Auth0's fields, the token endpoint's client ids and the management clients", async () => {
    const r = await get("/clients?include_totals=true&per_page=100", tokens["mgmt-reader"]);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(["total", "start", "limit", "clients"]);
    const byId = new Map<string, any>(r.body.clients.map((c: { client_id: string }) => [c.client_id, c]));
    const globalId = globalClient(tenant.management.store).client_id;
    expect([...byId.keys()]).toEqual([globalId, SVC, PORTAL, "mgmt-reader", "mgmt-writer", "mgmt-narrow"]);
    expect(r.body).toMatchObject({ total: 6, start: 0, limit: 100 });
    byId.delete(globalId); // its own test: "the tenant's legacy global client"
    const credentials = tenant.management.store.credentials.of(SVC).map((c) => ({ id: c.id }));
    expect(byId.get(SVC)).toMatchObject({
      name: "Service",
      description: "Managed by Pulumi",
      app_type: "non_interactive",
      grant_types: ["client_credentials"],
      oidc_conformant: true,
      is_first_party: true,
      client_metadata: { tenant_id: "acme" },
      jwt_configuration: { alg: "RS256", lifetime_in_seconds: 36000, secret_encoded: false },
      client_authentication_methods: { private_key_jwt: { credentials } },
    });
    expect(byId.get(SVC)).not.toHaveProperty("token_endpoint_auth_method");
    expect(byId.get(PORTAL)).toMatchObject({
      app_type: "regular_web",
      callbacks: ["https://portal.mgmt.test/callback"],
      allowed_logout_urls: ["https://portal.mgmt.test/"],
      web_origins: ["https://portal.mgmt.test"],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "client_secret_post",
    });
    for (const c of byId.values()) {
      expectShape(c, clientShape(), Object.keys(clientShape()));
      expect(c).not.toHaveProperty("client_secret");
    }
    expectShape({ ...r.body, clients: [] }, shape("clients-page"));
  });

  it("credentials: Auth0's kid (the RFC 7638 thumbprint), .000Z expiries (a certificate's from its notAfter), never the key", async () => {
    const r = await get(`/clients/${SVC}/credentials`, tokens["mgmt-reader"]);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    const specCreds = tenant.plan.spec.applications.svc!.credentials!;
    expect(r.body.map((c: any) => [c.name, c.kid, c.alg, c.credential_type, c.expires_at])).toEqual([
      ["svc-1", specCreds[0]!.key.thumbprint, "RS256", "public_key", "2030-01-31T00:00:00.000Z"],
      ["svc-cert", specCreds[1]!.key.thumbprint, "PS256", "public_key", new Date(specCreds[1]!.key.certificateNotAfter!).toISOString()],
    ]);
    expect(specCreds[0]!.key.thumbprint).toBe(await calculateJwkThumbprint(await exportJWK(createPublicKey(svc.publicKey))));
    for (const c of r.body) expectShape(c, (shape("client-credentials") as object[])[0]);
    expect(r.text).not.toMatch(/BEGIN|MII/);
    const one = await get(`/clients/${SVC}/credentials/${r.body[0].id}`, tokens["mgmt-reader"]);
    expect(one.body).toEqual(r.body[0]);
  });

  it("grants, resource servers (with Auth0's own Management API, is_system), actions and bindings, as deployed", async () => {
    const grants = await get(`/client-grants?client_id=${SVC}&include_totals=true`, tokens["mgmt-reader"]);
    expect(grants.body.client_grants.map((g: any) => [g.audience, g.scope])).toEqual([
      ["https://orders.mgmt.test", ["orders:read", "orders:write"]],
      ["https://ledger.mgmt.test", ["ledger:read"]],
    ]);
    expectShape(grants.body, shape("client-grants-offset"));

    const rs = await get("/resource-servers?include_totals=true", tokens["mgmt-reader"]);
    const [system, orders, ledger] = rs.body.resource_servers;
    expectShape(system, shape("resource-server-management-api"));
    expect(system).toMatchObject({ name: "Auth0 Management API", identifier: `https://${DOMAIN}/api/v2/`, is_system: true });
    expect(system.scopes.map((s: { value: string }) => s.value).sort()).toEqual([...ALL_MANAGEMENT_SCOPES].sort());
    expect(orders).toMatchObject({
      name: "Orders API",
      identifier: "https://orders.mgmt.test",
      token_lifetime: 3600,
      token_lifetime_for_web: 3600,
      signing_alg: "RS256",
      scopes: [
        { value: "orders:read", description: "Read orders" },
        { value: "orders:write", description: "Write orders" },
      ],
    });
    expect(orders).not.toHaveProperty("is_system");
    expect(ledger).toMatchObject({ signing_alg: "PS256", token_lifetime: 86400, token_lifetime_for_web: 7200 });
    for (const r of [orders, ledger]) expectShape(r, shape("resource-server"), ["enforce_policies"]);
    const byIdentifier = await get(`/resource-servers/${encodeURIComponent("https://orders.mgmt.test")}`, tokens["mgmt-reader"]);
    expect(byIdentifier.body).toEqual(orders);
    expect((await get(`/resource-servers/${orders.id}`, tokens["mgmt-reader"])).body).toEqual(orders);

    const actions = await get("/actions/actions", tokens["mgmt-reader"]);
    expect(Object.keys(actions.body)).toEqual(["actions", "total", "per_page"]);
    expectShape({ ...actions.body, actions: [] }, shape("actions-page"));
    const claims = actions.body.actions.find((a: any) => a.name === "client-claims");
    expectShape(claims, shape("action-deployed"));
    expect(claims).toMatchObject({
      runtime: "node22",
      status: "built",
      supported_triggers: [{ id: "credentials-exchange", version: "v2" }],
      secrets: [{ name: "API_KEY" }],
      deployed_version: { number: 1, deployed: true },
      all_changes_deployed: true,
    });
    expect(claims.code).toBe(tenant.plan.model.actions["client-claims"]!.bundle.code);
    expect(JSON.stringify(claims.secrets)).not.toContain("value");

    const bindings = await get("/actions/triggers/credentials-exchange/bindings", tokens["mgmt-reader"]);
    expectShape(bindings.body, shape("bindings-page"));
    expect(bindings.body.bindings.map((b: any) => [b.trigger_id, b.display_name, b.action.id])).toEqual([
      ["credentials-exchange", "client-claims", claims.id],
    ]);
    expect((await get("/actions/triggers/post-user-registration/bindings", tokens["mgmt-reader"])).body).toEqual({
      bindings: [],
      per_page: 20,
    });
  });

  it("ids are the same on every start of the same stack", async () => {
    const again = await LocalManagementApi.create(tenant.plan, { domain: DOMAIN, signingKeys: await SigningKeys.generate(["RS256"]) });
    const ids = (api: LocalManagementApi) => ({
      clients: [...api.store.clients.keys()],
      credentials: [...api.store.credentials.keys()],
      grants: [...api.store.grants.keys()],
      resourceServers: [...api.store.resourceServers.keys()],
      actions: [...api.store.actions.keys()],
      bindings: [...api.store.bindings.values()].flat().map((b) => b.id),
    });
    const first = ids(tenant.management);
    first.clients = first.clients.filter((c) => !c.startsWith("mgmt-"));
    first.credentials = first.credentials.slice(0, 2);
    first.grants = first.grants.slice(0, 2);
    expect(ids(again)).toEqual(first);
  });

  it("is built on first use (a big tenant starts serving tokens at once); management client ids are checked at start", async () => {
    const signingKeys = await SigningKeys.generate(["RS256"]);
    const credentials = tenant.plan.desired.resources.find((r) => r.type === "auth0:index/clientCredentials:ClientCredentials")!;
    const tampered = {
      ...tenant.plan,
      desired: {
        ...tenant.plan.desired,
        resources: tenant.plan.desired.resources.map((r) =>
          r === credentials
            ? {
                ...r,
                inputs: {
                  ...r.inputs,
                  privateKeyJwt: { credentials: [{ name: "x", credentialType: "public_key", pem: "not the spec's" }] },
                },
              }
            : r,
        ),
      },
    };
    const lazy = await LocalManagementApi.create(tampered, { domain: DOMAIN, signingKeys });
    expect(() => lazy.store.clients).toThrow("is not the spec's");
    const taken = localClientId(STACK, credentials.name);
    await expect(
      LocalManagementApi.create(tenant.plan, {
        domain: DOMAIN,
        signingKeys,
        managementClients: [{ clientId: taken, publicKeyPem: reader.publicKey, scopes: READ_SCOPES }],
      }),
    ).rejects.toThrow(`management client id "${taken}" is already a client of this tenant`);
  });
});

describe("paging as Auth0 pages", () => {
  it("offset: envelope with include_totals, a bare array without, an empty page past the end, per_page at most 100", async () => {
    const page1 = await get("/clients?page=1&per_page=2&include_totals=true&is_global=false");
    expect(page1.body).toMatchObject({ total: 5, start: 2, limit: 2 });
    expect(page1.body.clients.map((c: any) => c.client_id)).toEqual(["mgmt-reader", "mgmt-writer"]);
    const bare = await get("/clients?page=2&per_page=2&is_global=false");
    expect(bare.body.map((c: any) => c.client_id)).toEqual(["mgmt-narrow"]);
    expect((await get("/clients?page=9&per_page=2")).body).toEqual([]);
    const tooMany = await get("/clients?per_page=101");
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ statusCode: 400, error: "Bad Request", errorCode: "invalid_query_string" });
    expect((await get("/clients?colour=blue")).body.message).toContain("Additional properties not allowed: colour");
  });

  it("filters and fields: app_type, fields/include_fields (also on GET one)", async () => {
    const web = await get("/clients?app_type=regular_web,spa&fields=client_id,app_type&include_fields=true");
    expect(web.body).toEqual([{ client_id: PORTAL, app_type: "regular_web" }]);
    const without = await get(`/clients/${SVC}?fields=client_metadata,refresh_token&include_fields=false`);
    expect(without.body).not.toHaveProperty("client_metadata");
    expect(without.body).toHaveProperty("client_authentication_methods");
    expect((await get(`/clients/${PORTAL}?fields=client_id,name`)).body).toEqual({ client_id: PORTAL, name: "Portal" });
  });

  it("checkpoint for client grants: from/take → {client_grants, next?}, next left out on the last page", async () => {
    const seen: string[] = [];
    let query = "take=2";
    for (let pages = 0; pages < 10; pages++) {
      const r = await get(`/client-grants?${query}&include_totals=true`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).filter((k) => k !== "next")).toEqual(["client_grants"]);
      const { next, ...page } = r.body;
      // The recorded page is a last one (no next); next is an opaque string (ListClientGrantPaginatedResponseContent).
      expectShape({ ...page, client_grants: [] }, shape("client-grants-checkpoint"));
      expect(next === undefined || typeof next === "string").toBe(true);
      seen.push(...r.body.client_grants.map((g: any) => g.id));
      if (!r.body.next) break;
      query = `take=2&from=${encodeURIComponent(r.body.next)}`;
    }
    expect(seen).toEqual([...tenant.management.store.grants.keys()]);
    expect(seen.length).toBe(5);
    expect((await get("/client-grants?take=500")).body.client_grants.length).toBe(5); // capped at 100
  });

  it("actions and bindings: {items, total, page, per_page} with zero values left out; past the end, no total (as recorded)", async () => {
    const first = await get("/actions/actions?page=0&per_page=1");
    expect(Object.keys(first.body)).toEqual(["actions", "total", "per_page"]);
    expect(first.body.total).toBe(2);
    const second = await get("/actions/actions?page=1&per_page=1");
    expect(second.body).toMatchObject({ total: 2, page: 1, per_page: 1 });
    const past = await get("/actions/triggers/post-login/bindings?page=1&per_page=100");
    expect(past.body).toEqual({ bindings: [], page: 1, per_page: 100 });
    expectShape(past.body, shape("bindings-past-end"));
  });
});

describe("authentication and scopes", () => {
  it("a management client gets a Management API token (private_key_jwt) with its scopes; also for https://<domain>/api/v2/", async () => {
    const payload = decodeJwt(tokens["mgmt-reader"]!);
    expect(payload).toMatchObject({
      iss: tenant.issuer,
      sub: "mgmt-reader@clients",
      azp: "mgmt-reader",
      aud: `${tenant.url}/api/v2/`,
      gty: "client-credentials",
      scope: READ_SCOPES.join(" "),
    });
    const domainAudience = await managementToken("mgmt-reader", reader.privateKey, {
      audience: `https://${DOMAIN}/api/v2/`,
      scope: "read:clients",
    });
    expect(domainAudience.body).toMatchObject({ token_type: "Bearer", expires_in: 86400, scope: "read:clients" });
    expect((await get("/clients", String(domainAudience.body.access_token))).status).toBe(200);
  });

  it("the token endpoint refuses what Auth0 refuses: ungranted scopes, clients without a grant, other audiences, wrong keys", async () => {
    const moreScope = await managementToken("mgmt-reader", reader.privateKey, { scope: "read:clients delete:clients" });
    expect(moreScope.body).toEqual({ error: "access_denied", error_description: "Client has not been granted scopes: delete:clients" });
    const planClient = await managementToken(SVC, svc.privateKey);
    expect(planClient.status).toBe(403);
    expect(planClient.body.error_description).toBe(
      `Client is not authorized to access "${tenant.url}/api/v2/". You need to create a "client-grant" associated to this API.`,
    );
    const otherApi = await managementToken("mgmt-reader", reader.privateKey, { audience: "https://orders.mgmt.test" });
    expect(otherApi.status).toBe(403);
    const wrongKey = await managementToken("mgmt-reader", writer.privateKey);
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toBe("invalid_client");
    // The plan's own APIs are served as before.
    const assertion = await clientAssertion({ clientId: SVC, privateKeyPem: svc.privateKey, alg: "RS256", audience: tenant.issuer });
    const orders = await requestToken(`${tenant.url}/oauth/token`, {
      grant_type: "client_credentials",
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      audience: "https://orders.mgmt.test",
    });
    expect(orders.status).toBe(200);
  });

  it("401 as Auth0: no token, a bad token, another API's token, an expired token", async () => {
    const none = await get("/clients", null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ statusCode: 401, error: "Unauthorized", message: "Missing authentication" });
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    const bad = await get("/clients", "not-a-jwt");
    expect(bad.body).toEqual({ statusCode: 401, error: "Unauthorized", message: "Invalid token", attributes: { error: "Invalid token" } });
    const assertion = await clientAssertion({ clientId: SVC, privateKeyPem: svc.privateKey, alg: "RS256", audience: tenant.issuer });
    const ordersToken = await requestToken(`${tenant.url}/oauth/token`, {
      grant_type: "client_credentials",
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertion,
      audience: "https://orders.mgmt.test",
    });
    const other = await get("/clients", String(ordersToken.body.access_token));
    expect(other.status).toBe(401);
    expect(other.body.message).toBe("Bad audience: https://orders.mgmt.test");
    clock = new Date(Date.now() + 2 * 86_400_000);
    const expired = await get("/clients", tokens["mgmt-reader"]);
    expect(expired.body).toEqual({
      statusCode: 401,
      error: "Unauthorized",
      message: "Expired token received for JSON Web Token validation",
      attributes: { error: "Expired token received for JSON Web Token validation" },
    });
  });

  it("403 names the scope the endpoint expects", async () => {
    const grants = await get("/client-grants", tokens["mgmt-narrow"]);
    expect(grants.status).toBe(403);
    expect(grants.body).toEqual({
      statusCode: 403,
      error: "Forbidden",
      message: "Insufficient scope, expected any of: read:client_grants",
      errorCode: "insufficient_scope",
    });
    const create = await api("POST", "/clients", { token: tokens["mgmt-reader"], body: { name: "nope" } });
    expect(create.body.message).toBe("Insufficient scope, expected any of: create:clients");
    expect((await get(`/clients/${SVC}/credentials`, tokens["mgmt-narrow"])).body.message).toBe(
      "Insufficient scope, expected any of: read:client_credentials",
    );
    expect(
      (await api("PATCH", "/actions/triggers/post-login/bindings", { token: tokens["mgmt-reader"], body: { bindings: [] } })).body.message,
    ).toBe("Insufficient scope, expected any of: update:actions");
  });
});

describe("errors as Auth0 sends them", () => {
  it("404 bodies for each kind (recorded wording), unknown paths, and 405 in the same shape", async () => {
    const errors = shapes.errors!.shape as Record<string, unknown>;
    const client = await get("/clients/this-client-does-not-exist");
    expect(client.body).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "The client does not exist",
      errorCode: "inexistent_client",
    });
    expectShape(client.body, errors.clientNotFound);
    const rs = await get("/resource-servers/this-resource-server-does-not-exist");
    expect(rs.body).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "The resource server does not exist",
      errorCode: "inexistent_resource_server",
    });
    expect((await get("/actions/actions/09ee2b9b-282d-4a65-87d1-f01adf007745")).body).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "That action does not exist.",
    });
    expect((await get("/client-grants/cgr_nope")).body).toMatchObject({ statusCode: 404, errorCode: "inexistent_client_grant" });
    expect((await get(`/clients/${SVC}/credentials/cred_nope`)).status).toBe(404);
    expect((await get("/no-such-collection")).body).toEqual({ statusCode: 404, error: "Not Found", message: "Not Found" });
    const wrongMethod = await api("PUT", "/clients");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST, HEAD");
    expect(wrongMethod.body).toMatchObject({ statusCode: 405, error: "Method Not Allowed" });
  });

  it("400 payload validation, 409 conflicts", async () => {
    expect((await api("POST", "/clients", { body: { name: "x", colour: "blue" } })).body).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "Payload validation error: 'Additional properties not allowed: colour'.",
      errorCode: "invalid_body",
    });
    expect((await api("POST", "/resource-servers", { body: {} })).body.message).toBe(
      "Payload validation error: 'Missing required property: identifier'.",
    );
    const dup = await api("POST", "/resource-servers", { body: { identifier: "https://orders.mgmt.test" } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      statusCode: 409,
      error: "Conflict",
      message: "A resource server with the same identifier already exists",
    });
    const grant = await api("POST", "/client-grants", { body: { client_id: SVC, audience: "https://orders.mgmt.test", scope: [] } });
    expect(grant.status).toBe(409);
    const badScope = await api("POST", "/client-grants", {
      body: { client_id: PORTAL, audience: "https://orders.mgmt.test", scope: ["orders:purge"] },
    });
    expect(badScope.status).toBe(400);
    expect(badScope.body.message).toContain("scope must be a subset of resource server scopes");
    const system = await api("DELETE", `/resource-servers/${encodeURIComponent(`https://${DOMAIN}/api/v2/`)}`);
    expect(system.status).toBe(400);
  });
});

describe("edits through the API (what a dashboard edit does)", () => {
  it("clients and credentials: create, upload a key (kid = thumbprint, no PEM back), attach, rotate the management client's own key, delete", async () => {
    const created = await api("POST", "/clients", {
      body: { name: "Dashboard app", app_type: "non_interactive", grant_types: ["client_credentials"] },
    });
    expect(created.status).toBe(201);
    expectShape(created.body, clientShape(), Object.keys(clientShape()));
    expect(created.body).toMatchObject({ token_endpoint_auth_method: "client_secret_post", is_first_party: true });
    const id = created.body.client_id as string;
    expect(id).toMatch(/^[A-Za-z0-9]{32}$/);

    const cred = await api("POST", `/clients/${id}/credentials`, {
      body: { credential_type: "public_key", name: "k1", pem: extra.publicKey, alg: "RS256", expires_at: "2031-02-03T04:05:06Z" },
    });
    expect(cred.status).toBe(201);
    expectShape(cred.body, shape("client-credential-created"));
    expect(cred.body.kid).toBe(await calculateJwkThumbprint(await exportJWK(createPublicKey(extra.publicKey))));
    expect(cred.body.expires_at).toBe("2031-02-03T04:05:06.000Z");
    expect(cred.text).not.toContain("BEGIN");
    const cert = await api("POST", `/clients/${id}/credentials`, {
      body: {
        credential_type: "public_key",
        name: "c1",
        pem: readFileSync(path.join(project.root, "keys/reporting-2026.crt"), "utf8"),
        parse_expiry_from_cert: true,
      },
    });
    expect(cert.body.expires_at).toBe("2029-01-30T23:14:33.000Z");
    const priv = await api("POST", `/clients/${id}/credentials`, { body: { credential_type: "public_key", pem: extra.privateKey } });
    expect(priv.status).toBe(400);

    const attached = await api("PATCH", `/clients/${id}`, {
      body: {
        client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.body.id }] } },
        token_endpoint_auth_method: null,
      },
    });
    expect(attached.status).toBe(200);
    expect(attached.body).not.toHaveProperty("token_endpoint_auth_method");
    expect(
      (await api("PATCH", `/clients/${id}/credentials/${cred.body.id}`, { body: { expires_at: "2032-01-01T00:00:00Z" } })).body.expires_at,
    ).toBe("2032-01-01T00:00:00.000Z");
    // A client created in the dashboard and granted the Management API can get a token with its new key.
    const grant = await api("POST", "/client-grants", {
      body: { client_id: id, audience: `https://${DOMAIN}/api/v2/`, scope: ["read:clients"] },
    });
    expect(grant.status).toBe(201);
    expectShape(grant.body, shape("client-grant-created"), ["authorization_details_types"]);
    const t = await managementToken(id, extra.privateKey);
    expect(t.body.scope).toBe("read:clients");
    expect((await get(`/clients/${id}`, String(t.body.access_token))).status).toBe(200);

    expect((await api("DELETE", `/clients/${id}/credentials/${cred.body.id}`)).status).toBe(204);
    expect((await get(`/clients/${id}`)).body.client_authentication_methods).toEqual({ private_key_jwt: { credentials: [] } });
    expect((await managementToken(id, extra.privateKey)).status).toBe(401);
    expect((await api("DELETE", `/clients/${id}`)).status).toBe(204);
    expect((await get(`/clients/${id}`)).status).toBe(404);
    expect((await get(`/client-grants?client_id=${id}`)).body).toEqual([]); // deleted with the client
  });

  it("resource servers and grants: create, scopes edited, grant scope changed, delete (its grants go with it)", async () => {
    const rs = await api("POST", "/resource-servers", { body: { identifier: "https://new.mgmt.test" } });
    expect(rs.status).toBe(201);
    expectShape(rs.body, shape("resource-server-created"));
    const scoped = await api("PATCH", `/resource-servers/${encodeURIComponent("https://new.mgmt.test")}`, {
      body: { name: "New", scopes: [{ value: "new:read", description: "Read" }] },
    });
    expect(scoped.body.scopes).toEqual([{ value: "new:read", description: "Read" }]);
    const g = await api("POST", "/client-grants", { body: { client_id: SVC, audience: "https://new.mgmt.test", scope: ["new:read"] } });
    expect((await api("PATCH", `/client-grants/${g.body.id}`, { body: { scope: [] } })).body.scope).toEqual([]);
    const emptied = await api("PATCH", `/resource-servers/${rs.body.id}`, { body: { scopes: [] } });
    expect(emptied.body).not.toHaveProperty("scopes"); // recorded: no scopes member when there are none
    expect((await api("DELETE", `/resource-servers/${rs.body.id}`)).status).toBe(204);
    expect((await get(`/client-grants/${g.body.id}`)).status).toBe(404);
    expect((await api("DELETE", `/client-grants/${g.body.id}`)).status).toBe(204); // as recorded: deleting twice is 204
  });

  it("actions and bindings: create, deploy, bind (new binding ids), delete a bound action → 409, force → unbound and deleted", async () => {
    const created = await api("POST", "/actions/actions", {
      body: {
        name: "dashboard-action",
        supported_triggers: [{ id: "post-login", version: "v3" }],
        code: "exports.onExecutePostLogin = async () => {};",
        secrets: [{ name: "TOKEN", value: "s3cret" }],
      },
    });
    expect(created.status).toBe(201);
    expectShape(created.body, shape("action-created"), ["secrets"]);
    expect(created.body).toMatchObject({ status: "pending", all_changes_deployed: false });
    expect(created.text).not.toContain("s3cret");
    const unbindable = await api("PATCH", "/actions/triggers/post-login/bindings", {
      body: { bindings: [{ ref: { type: "action_id", value: created.body.id } }] },
    });
    expect(unbindable.status).toBe(400);
    const deployed = await api("POST", `/actions/actions/${created.body.id}/deploy`);
    expect(deployed.status).toBe(200);
    expectShape(deployed.body, shape("action-deploy"), ["secrets"]);

    const before = (await get("/actions/triggers/post-login/bindings")).body.bindings;
    const patched = await api("PATCH", "/actions/triggers/post-login/bindings", {
      body: {
        bindings: [
          { ref: { type: "action_name", value: "login-claims" }, display_name: "login-claims" },
          { ref: { type: "action_id", value: created.body.id }, display_name: "Dashboard" },
        ],
      },
    });
    expect(patched.status).toBe(200);
    expectShape(patched.body, shape("bindings-patch"));
    expect(Object.keys(patched.body)).toEqual(["bindings"]);
    expect(patched.body.bindings.map((b: any) => b.display_name)).toEqual(["login-claims", "Dashboard"]);
    expect(patched.body.bindings[0].id).not.toBe(before[0].id);

    const bound = await api("DELETE", `/actions/actions/${created.body.id}`);
    expect(bound.status).toBe(409);
    expect(bound.body).toMatchObject({ statusCode: 409, error: "Conflict" });
    expect(
      (await api("PATCH", `/actions/actions/${created.body.id}`, { body: { code: "exports.onExecutePostLogin = async () => {}; // v2" } }))
        .body,
    ).toMatchObject({
      all_changes_deployed: false,
      deployed_version: { number: 1 },
    });
    expect((await api("DELETE", `/actions/actions/${created.body.id}?force=true`)).status).toBe(204);
    expect((await get("/actions/triggers/post-login/bindings")).body.bindings.map((b: any) => b.display_name)).toEqual(["login-claims"]);
  });
});

describe("tenant:local --management-key", () => {
  it("registers a management client from a public key file: read scopes by default, all, or a list; a private key is refused", async () => {
    const file = path.join(project.root, "keys/mgmt/reader.pem");
    writeFileSync(file, reader.publicKey);
    const option = await managementClientFromFlags({ stack: STACK, keyFile: file });
    expect(option).toEqual({ clientId: defaultManagementClientId(STACK), publicKeyPem: reader.publicKey, scopes: READ_SCOPES });
    expect(defaultManagementClientId(STACK)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(parseManagementScopes("all")).toEqual(ALL_MANAGEMENT_SCOPES);
    expect(parseManagementScopes("read:clients, read:actions")).toEqual(["read:clients", "read:actions"]);
    expect(() => parseManagementScopes("read:users")).toThrow(/not served locally: read:users/);
    const privateFile = path.join(project.root, "private.pem");
    writeFileSync(privateFile, reader.privateKey, { mode: 0o600 });
    await expect(managementClientFromFlags({ stack: STACK, keyFile: privateFile })).rejects.toThrow(/holds a PRIVATE key/);
    expect(describeManagementApi(tenant)).toContain(`management client mgmt-reader: ${READ_SCOPES.join(" ")}`);
  });
});

describe("the emulator's gaps closed (issue 27 item 5)", () => {
  /** A Management API token signed with the tenant's keys holding `scope` (no local client can be granted an unserved scope). */
  async function tokenWithScope(scope: string) {
    const key = (await signingKeys).forAlg("RS256");
    return new SignJWT({ scope, azp: "mgmt-writer" })
      .setProtectedHeader({ alg: "RS256", kid: key.kid })
      .setIssuer(tenant.issuer)
      .setSubject("mgmt-writer@clients")
      .setAudience(`${tenant.url}/api/v2/`)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key.privateKey);
  }

  it("an Auth0 endpoint it has no model of answers by the caller's scopes (401, 403 insufficient_scope), never 404 or a success", async () => {
    expect((await get("/users", tokens["mgmt-reader"])).body).toEqual({
      statusCode: 403,
      error: "Forbidden",
      message: "Insufficient scope, expected any of: read:users",
      errorCode: "insufficient_scope",
    });
    expect((await api("DELETE", "/connections/con_123")).body).toMatchObject({
      statusCode: 403,
      message: "Insufficient scope, expected any of: delete:connections",
    });
    expect((await api("POST", "/organizations", { body: { name: "x" } })).body.message).toBe(
      "Insufficient scope, expected any of: create:organizations",
    );
    expect((await api("PATCH", "/guardian/factors/sms", { body: {} })).body.message).toMatch(/update:guardian_factors$/);
    expect((await get("/logs", null)).status).toBe(401);
    const holder = await get("/users?q=x", await tokenWithScope("read:users"));
    expect(holder.status).toBe(501);
    expect(holder.body).toMatchObject({ statusCode: 501, error: "Not Implemented", errorCode: "not_served_locally" });
    expect(holder.body.message).toMatch(/^GET \/api\/v2\/users is an Auth0 Management API endpoint the local tenant does not serve/);
    expect((await get("/no-such-collection")).status).toBe(404);
    expect((await api("DELETE", "/logs/abc")).status).toBe(404); // Auth0 has no delete:logs: no such endpoint
    expect((await get("/constructor")).status).toBe(404);
  });

  it("the tenant's legacy global client: listed with global: true, selected by is_global, read-only", async () => {
    const id = globalClient(tenant.management.store).client_id;
    const only = await get("/clients?is_global=true", tokens["mgmt-reader"]);
    expect(only.body).toEqual([expect.objectContaining({ client_id: id, name: "All Applications", global: true })]);
    expect(only.body[0]).not.toHaveProperty("client_secret");
    const others = await get("/clients?is_global=false", tokens["mgmt-reader"]);
    expect(others.body.map((c: { client_id: string }) => c.client_id)).not.toContain(id);
    expect(others.body.length).toBeGreaterThan(0);
    expect((await get(`/clients/${id}?fields=global`)).body).toEqual({ global: true });
    expect((await api("PATCH", `/clients/${id}`, { body: { name: "mine" } })).body).toMatchObject({ statusCode: 403 });
    expect((await api("DELETE", `/clients/${id}`)).status).toBe(403);
    expect((await get(`/clients/${id}`)).body.name).toBe("All Applications");
  });

  it("tenant settings default_audience: a token request without audience gets one for it; cleared with the empty string", async () => {
    const svcToken = async () => {
      const assertion = await clientAssertion({ clientId: SVC, privateKeyPem: svc.privateKey, alg: "RS256", audience: tenant.issuer });
      return requestToken(`${tenant.url}/oauth/token`, {
        grant_type: "client_credentials",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
      });
    };
    const before = await svcToken();
    expect(before.body).toMatchObject({ error: "access_denied", error_description: expect.stringMatching(/no default audience/) });
    expect((await get("/tenants/settings")).body).toEqual({});
    expect((await get("/tenants/settings", tokens["mgmt-reader"])).status).toBe(403);
    const set = await api("PATCH", "/tenants/settings", { body: { default_audience: "https://orders.mgmt.test" } });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ default_audience: "https://orders.mgmt.test" });
    const after = await svcToken();
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(decodeJwt(String(after.body.access_token))).toMatchObject({
      aud: "https://orders.mgmt.test",
      scope: "orders:write orders:read",
    });
    const bad = await api("PATCH", "/tenants/settings", { body: { friendly_name: "Acme" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/models default_audience only, not friendly_name/);
    expect((await api("PATCH", "/tenants/settings", { body: { default_audience: 42 } })).status).toBe(400);
    expect((await api("PATCH", "/tenants/settings", { body: { default_audience: "" } })).body).toEqual({});
    expect((await svcToken()).body.error).toBe("access_denied");
  });

  it("tenant local --rate-limit enforces the limit from the start: parsed, refused when bad, and past it a 429 with retry-after", async () => {
    expect(parseRateLimit("2")).toEqual({ limit: 2, windowSeconds: 1, enforce: true });
    expect(parseRateLimit("50/60")).toEqual({ limit: 50, windowSeconds: 60, enforce: true });
    for (const bad of ["0", "fast", "2/0", "-1", "1/99999"])
      expect(() => parseRateLimit(bad)).toThrow(/^--rate-limit .*: give requests per second/);
    const limited = await startLocalTenant({
      dir: project.root,
      stack: STACK,
      protocol: "http",
      plan: tenant.plan,
      signingKeys,
      rateLimit: parseRateLimit("1/60"),
    });
    try {
      expect(describeManagementApi(limited)).toContain("rate limit enforced: at most 1 per 60 s");
      const statuses = [];
      for (const p of ["/clients", "/clients", "/users", "/no-such-collection"]) {
        const r = await fetch(`${limited.url}/api/v2${p}`);
        statuses.push([r.status, r.headers.get("retry-after") !== null, r.headers.get("x-ratelimit-remaining")]);
      }
      expect(statuses).toEqual([
        [401, false, "0"],
        [429, true, "0"],
        [429, true, "0"], // the limit is the tenant's: unserved and unknown paths count and are refused too
        [429, true, "0"],
      ]);
    } finally {
      await limited.close();
    }
  });
});
