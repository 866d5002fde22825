import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import * as path from "node:path";
import { SignJWT, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { createPrivateKey } from "node:crypto";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant, localClientId, localKid, type LocalTenant } from "../../src/local-tenant";
import { ASSERTION_TYPE } from "../../src/local-tenant/assertion";
import { clientAssertion, requestToken } from "../../src/local-tenant/client";
import { tempProject } from "../support/temp-project";
import { keyDealer } from "../support/rsa-key-pairs";

const DOMAIN = "acme-test.eu.auth0.com";
const AUD = `https://${DOMAIN}/`;
const pem = keyDealer();

const svc = pem();
const svcPs = pem();
const other = pem();
const stranger = pem();
const expiring = pem();
let project: ReturnType<typeof tempProject>;
let tenant: LocalTenant;
/** The tenant's clock: the real one unless a test moves it (a fixed start time would drift behind a slow run). */
let clock: Date | undefined;
const SVC = localClientId("e2e", "svc");

beforeAll(async () => {
  project = tempProject();
  mkdirSync(path.join(project.root, "keys/e2e"), { recursive: true });
  writeFileSync(path.join(project.root, "keys/e2e/svc.pem"), svc.publicKey);
  writeFileSync(path.join(project.root, "keys/e2e/svc-ps.pem"), svcPs.publicKey);
  writeFileSync(path.join(project.root, "keys/e2e/other.pem"), other.publicKey);
  writeFileSync(path.join(project.root, "keys/e2e/soon.pem"), expiring.publicKey);
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const config = {
    "auth0:domain": DOMAIN,
    "auth0-tenant:tenant": {
      apis: {
        orders: {
          identifier: "https://orders.test",
          tokenLifetime: 600,
          scopes: { "orders:read": "r", "orders:write": "w", "orders:delete": "d" },
        },
        reports: { identifier: "https://reports.test", scopes: { "reports:read": "r" } },
        ledger: { identifier: "https://ledger.test", signingAlg: "PS256", scopes: { "ledger:read": "r" } },
      },
      applications: {
        svc: {
          type: "m2m",
          metadata: { tenant_id: "acme", tier: "gold" },
          credentials: [
            { name: "svc-rs", publicKey: "keys/e2e/svc.pem", algorithm: "RS256" },
            { name: "svc-ps", publicKey: "keys/e2e/svc-ps.pem", algorithm: "PS256" },
          ],
          grants: { orders: ["orders:read", "orders:write"], ledger: ["ledger:read"] },
        },
        other: {
          type: "m2m",
          metadata: { disabled: "true" },
          credentials: [{ name: "o", publicKey: "keys/e2e/other.pem" }],
          grants: { reports: ["reports:read"] },
        },
        soon: {
          type: "m2m",
          credentials: [{ name: "soon", publicKey: "keys/e2e/soon.pem", expiresAt: soon }],
          grants: { reports: ["reports:read"] },
        },
      },
      actions: {
        "client-claims": {
          trigger: "credentials-exchange",
          source: "actions/client-claims.ts",
          claims: [
            { name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" },
            { name: "https://acme.example/tier", from: "client.metadata.tier" },
          ],
          deny: { when: "client.metadata.disabled", equals: "true", reason: "This client is disabled" },
        },
      },
      triggers: { "credentials-exchange": ["client-claims"] },
    },
  };
  writeFileSync(path.join(project.root, "Pulumi.e2e.yaml"), stringify({ config }));
  // Plain HTTP here (the routes and rules are the same); HTTPS and the SDKs are in sdk-clients.test.ts.
  tenant = await startLocalTenant({ dir: project.root, stack: "e2e", protocol: "http", now: () => clock ?? new Date() });
});
afterAll(async () => {
  await tenant.close();
  project.cleanup();
});

const params = (assertion: string, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials",
  client_assertion_type: ASSERTION_TYPE,
  client_assertion: assertion,
  audience: "https://orders.test",
  ...extra,
});
const token = (p: Record<string, string>) => requestToken(`${tenant.url}/oauth/token`, p);
const assertion = (over: Partial<Parameters<typeof clientAssertion>[0]> = {}) =>
  clientAssertion({ clientId: SVC, privateKeyPem: svc.privateKey, alg: "RS256", audience: AUD, ...over });

/** A hand-built assertion for the cases clientAssertion() would never produce. */
async function raw(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256" }, key = svc.privateKey) {
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(createPrivateKey(key));
}
const now = () => Math.floor(Date.now() / 1000);
const base = () => ({ iss: SVC, sub: SVC, aud: AUD, iat: now(), exp: now() + 60, jti: randomUUID() });

describe("local tenant: from the spec to a signed token", () => {
  it("issues an RS256 access token with Auth0's claims plus the credentials-exchange action's claims", async () => {
    const r = await token(params(await assertion(), { scope: "orders:read" }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "orders:read" });
    const { payload, protectedHeader } = await jwtVerify(
      String(r.body.access_token),
      createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`)),
      { issuer: tenant.issuer, audience: "https://orders.test" },
    );
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      sub: `${SVC}@clients`,
      azp: SVC,
      gty: "client-credentials",
      scope: "orders:read",
      "https://acme.example/tenant_id": "acme",
      "https://acme.example/tier": "gold",
    });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it("without a scope parameter grants every granted scope; JSON bodies work too", async () => {
    const res = await fetch(`${tenant.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params(await assertion())),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { scope: string }).scope).toBe("orders:read orders:write");
  });

  it("accepts the second credential (PS256, with Auth0's kid: the key's thumbprint) during a rotation", async () => {
    const kid = tenant.plan.spec.applications.svc!.credentials![1]!.key.thumbprint;
    const r = await token(params(await assertion({ privateKeyPem: svcPs.privateKey, alg: "PS256", kid })));
    expect(r.status).toBe(200);
  });

  it("signs with PS256 for an API whose signingAlg is PS256, verifiable through the JWKS (issue 16)", async () => {
    const r = await token(params(await assertion(), { audience: "https://ledger.test" }));
    expect(r.status).toBe(200);
    const { protectedHeader, payload } = await jwtVerify(
      String(r.body.access_token),
      createRemoteJWKSet(new URL(`${tenant.url}/.well-known/jwks.json`)),
      { issuer: tenant.issuer, audience: "https://ledger.test", algorithms: ["PS256"] },
    );
    expect(protectedHeader.alg).toBe("PS256");
    expect(payload.scope).toBe("ledger:read");
  });

  it("serves discovery (RFC 8414 and OpenID Connect paths, HEAD too) with the reached URL as issuer, and JWKS", async () => {
    const conf = (await (await fetch(`${tenant.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(conf).toEqual({
      issuer: tenant.issuer,
      token_endpoint: `${tenant.url}/oauth/token`,
      jwks_uri: `${tenant.url}/.well-known/jwks.json`,
      authorization_endpoint: `${tenant.url}/authorize`,
      userinfo_endpoint: `${tenant.url}/userinfo`,
      end_session_endpoint: `${tenant.url}/oidc/logout`,
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      token_endpoint_auth_methods_supported: ["private_key_jwt", "none"],
      token_endpoint_auth_signing_alg_values_supported: ["RS256", "RS384", "PS256"],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      claims_supported: expect.arrayContaining(["sub", "nonce", "auth_time", "sid", "email"]),
      prompt_values_supported: ["none", "login"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect(await (await fetch(`${tenant.url}/.well-known/oauth-authorization-server`)).json()).toEqual(conf);
    const head = await fetch(`${tenant.url}/.well-known/openid-configuration`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBe(Buffer.byteLength(JSON.stringify(conf)));
    expect(await head.text()).toBe("");
    expect((await fetch(`${tenant.url}/.well-known/jwks.json`, { method: "HEAD" })).status).toBe(200);
    const wrongMethod = await fetch(`${tenant.url}/oauth/token`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST, OPTIONS"); // OPTIONS: the CORS preflight of a SPA;
    const jwks = (await (await fetch(`${tenant.url}/.well-known/jwks.json`)).json()) as {
      keys: { kty: string; alg: string; kid: string; d?: string }[];
    };
    expect(jwks.keys.map((k) => k.alg)).toEqual(["RS256", "PS256"]); // one key per algorithm, each with its own kid
    expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(2);
    for (const k of jwks.keys) {
      expect(k.kty).toBe("RSA");
      expect(k.d).toBeUndefined();
    }
  });

  it("two requests whose tokens would be byte-identical get one token; its assertion replayed is still refused", async () => {
    clock = new Date(Math.floor(Date.now() / 1000) * 1000 + 500); // one second for the three requests
    try {
      const first = await assertion();
      const [a, b] = [await token(params(first)), await token(params(await assertion()))];
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.access_token).toBe(b.body.access_token);
      expect(tenant.endpoint.signer.size).toBeGreaterThan(0);
      const again = await token(params(first));
      expect(again.status).toBe(401);
      expect(again.body.access_token).toBeUndefined();
      const other = await token(params(await assertion(), { scope: "orders:write" }));
      expect(decodeJwt(String(other.body.access_token)).scope).toBe("orders:write");
    } finally {
      clock = undefined;
    }
  });

  it("answers many concurrent requests, each with its own jti", async () => {
    const results = await Promise.all(Array.from({ length: 40 }, async () => token(params(await assertion()))));
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
  });
});

describe("grants and actions as Auth0 applies them", () => {
  it("403 when the app has no grant for the API", async () => {
    const r = await token(params(await assertion(), { audience: "https://reports.test" }));
    expect(r).toEqual({
      status: 403,
      body: {
        error: "access_denied",
        error_description:
          'Client is not authorized to access "https://reports.test". You need to create a "client-grant" associated to this API.',
      },
    });
  });
  it("403 for a scope outside the grant", async () => {
    const r = await token(params(await assertion(), { scope: "orders:read orders:delete" }));
    expect(r).toEqual({
      status: 403,
      body: { error: "access_denied", error_description: "Client has not been granted scopes: orders:delete" },
    });
  });
  it("403 for an unknown audience, and for none", async () => {
    expect((await token(params(await assertion(), { audience: "https://nope.test" }))).body.error_description).toBe(
      "Service not found: https://nope.test",
    );
    const { audience: _a, ...noAudience } = params(await assertion());
    expect((await token(noAudience)).body.error_description).toContain("No audience parameter was provided");
  });
  it("a deny from the bound action becomes Auth0's error", async () => {
    const a = await clientAssertion({
      clientId: localClientId("e2e", "other"),
      privateKeyPem: other.privateKey,
      alg: "RS256",
      audience: AUD,
    });
    const r = await token(params(a, { audience: "https://reports.test" }));
    expect(r).toEqual({ status: 403, body: { error: "access_denied", error_description: "This client is disabled" } });
  });
});

describe("the issuer is the URL the tenant is reached on", () => {
  const port = () => new URL(tenant.url).port;
  it("reached as 127.0.0.1, discovery and the token's iss say so; the assertion aud must match it", async () => {
    const origin = `http://127.0.0.1:${port()}`;
    const conf = (await (await fetch(`${origin}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(conf).toMatchObject({
      issuer: `${origin}/`,
      token_endpoint: `${origin}/oauth/token`,
      jwks_uri: `${origin}/.well-known/jwks.json`,
    });
    const r = await requestToken(`${origin}/oauth/token`, params(await assertion({ audience: `${origin}/` })));
    expect(r.status).toBe(200);
    const { payload } = await jwtVerify(String(r.body.access_token), createRemoteJWKSet(new URL(`${origin}/.well-known/jwks.json`)), {
      issuer: `${origin}/`,
      audience: "https://orders.test",
    });
    expect(payload.iss).toBe(`${origin}/`);
    // localhost is another URL: an assertion made for it is not for 127.0.0.1
    const other = await requestToken(`${origin}/oauth/token`, params(await assertion({ audience: tenant.issuer })));
    expect(other.body).toMatchObject({ error: "invalid_client" });
  });

  it("accepts the reached URL and the configured Auth0 domain as assertion aud", async () => {
    expect((await token(params(await assertion({ audience: tenant.issuer })))).status).toBe(200);
    expect((await token(params(await assertion({ audience: AUD })))).status).toBe(200);
  });

  it("refuses a Host header naming another server (never echoed into a token)", async () => {
    const r = await raw_http("GET", "/.well-known/openid-configuration", undefined, { host: "evil.example" });
    expect(r.status).toBe(421);
    expect(r.body).not.toContain('"issuer"');
  });
});

/** Node's http client, for what fetch won't send (a Host header, Expect: 100-continue). */
function raw_http(
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: Number(new URL(tenant.url).port),
        method,
        path,
        headers: { ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      },
    );
    req.on("error", reject);
    if (headers.expect) req.on("continue", () => req.end(body));
    else req.end(body);
  });
}

describe("request bodies over the limit get a real 413 with an OAuth error", () => {
  it("a 70 KB form: 413 JSON, and the connection still answers", async () => {
    const r = await raw_http("POST", "/oauth/token", `grant_type=client_credentials&pad=${"x".repeat(70 * 1024)}`, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toEqual({ error: "invalid_request", error_description: "the request body is larger than 65536 bytes" });
  });

  it("chunked, without a length: 413 as well", async () => {
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: Number(new URL(tenant.url).port),
          method: "POST",
          path: "/oauth/token",
          headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 20; i++) req.write("x".repeat(4096));
      req.end();
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toBe("invalid_request");
  });

  it("a 5 MB body from fetch (no Expect header): the 413 arrives every time, not a reset", async () => {
    for (let i = 0; i < 5; i++) {
      const r = await fetch(new URL("/oauth/token", tenant.url), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=client_credentials&pad=${"x".repeat(5 * 1024 * 1024)}`,
      });
      expect(r.status).toBe(413);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_request");
    }
  });

  it("Expect: 100-continue with a 10 MB length: 413 before the body is sent", async () => {
    const r = await raw_http("POST", "/oauth/token", undefined, {
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(10 * 1024 * 1024),
      expect: "100-continue",
    });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe("close");
    expect(JSON.parse(r.body).error).toBe("invalid_request");
  });
});

/** Each assertion Auth0 would refuse, with the reason the local tenant gives. */
const rejections: { name: string; make: () => Promise<Record<string, string>>; status?: number; error?: string; text: string }[] = [
  { name: "assertion over 2048 bytes", make: async () => params(await raw({ ...base(), pad: "x".repeat(2000) })), text: "(at most 2048)" },
  { name: "not a JWT", make: async () => params("not.a.jwt"), text: "is not a well-formed JWT" },
  {
    name: "alg differs from every credential's",
    make: async () => params(await raw(base(), { alg: "RS384" })),
    text: "alg RS384 does not match the credential's algorithm (RS256, PS256)",
  },
  {
    name: "alg none",
    make: async () =>
      params(`${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(base())).toString("base64url")}.`),
    text: "alg none does not match",
  },
  {
    name: "alg longer than 16 characters",
    make: async () =>
      params(
        `${Buffer.from('{"alg":"RS256RS256RS256RS256"}').toString("base64url")}.${Buffer.from(JSON.stringify(base())).toString("base64url")}.x`,
      ),
    text: "at most 16 characters",
  },
  {
    name: "unknown kid",
    make: async () => params(await raw(base(), { alg: "RS256", kid: "not-a-key-id" })),
    text: 'kid "not-a-key-id" matches no credential',
  },
  { name: "iss differs from sub", make: async () => params(await raw({ ...base(), sub: "someone-else" })), text: "sub must equal iss" },
  {
    name: "unknown client",
    make: async () => params(await raw({ ...base(), iss: "nobody", sub: "nobody" })),
    text: "Unknown client: nobody",
  },
  {
    name: "client_id parameter differs",
    make: async () => params(await assertion(), { client_id: "another" }),
    text: "client_id does not match",
  },
  {
    name: "aud without the trailing slash",
    make: async () => params(await raw({ ...base(), aud: `https://${DOMAIN}` })),
    text: "aud must be the tenant URL with its trailing slash",
  },
  {
    name: "aud of another tenant",
    make: async () => params(await raw({ ...base(), aud: "https://evil.eu.auth0.com/" })),
    text: "aud must be the tenant URL",
  },
  {
    name: "aud an array naming the tenant and another audience (audience injection)",
    make: async () => params(await raw({ ...base(), aud: [AUD, "https://evil.example/"] })),
    text: "aud must be one value, the tenant URL with its trailing slash",
  },
  {
    name: "aud an array naming another audience first",
    make: async () => params(await raw({ ...base(), aud: ["https://evil.example/", AUD] })),
    text: "got an array of 2",
  },
  { name: "aud an empty array", make: async () => params(await raw({ ...base(), aud: [] })), text: "got an array of 0" },
  {
    name: "aud missing",
    make: async () => {
      const { aud: _a, ...c } = base();
      return params(await raw(c));
    },
    text: "got none",
  },
  {
    name: "issued an hour ago, exp a minute ahead (lifetime is exp - iat)",
    make: async () => params(await raw({ ...base(), iat: now() - 3600, exp: now() + 60 })),
    text: "lifetime exceeds 300 seconds (exp - iat is 3660)",
  },
  {
    name: "no iat, exp more than 5 minutes ahead",
    make: async () => {
      const { iat: _i, ...c } = base();
      return params(await raw({ ...c, exp: now() + 305 }));
    },
    text: "lifetime exceeds 300 seconds (no iat",
  },
  {
    name: "exp missing",
    make: async () => {
      const { exp: _e, ...c } = base();
      return params(await raw(c));
    },
    text: "exp is required",
  },
  {
    name: "exp more than 5 minutes away",
    make: async () => params(await raw({ ...base(), exp: now() + 400 })),
    text: "lifetime exceeds 300 seconds",
  },
  { name: "expired assertion", make: async () => params(await raw({ ...base(), iat: now() - 120, exp: now() - 60 })), text: "has expired" },
  {
    name: "nbf in the future beyond skew",
    make: async () => params(await raw({ ...base(), nbf: now() + 60 })),
    text: "not valid yet (nbf)",
  },
  {
    name: "iat in the future beyond skew",
    make: async () => params(await raw({ ...base(), iat: now() + 60, exp: now() + 120 })),
    text: "iat is in the future",
  },
  {
    name: "jti missing",
    make: async () => {
      const { jti: _j, ...c } = base();
      return params(await raw(c));
    },
    text: "jti is required",
  },
  {
    name: "jti longer than 64 characters",
    make: async () => params(await raw({ ...base(), jti: "j".repeat(65) })),
    text: "jti must be a string of 1 to 64 characters",
  },
  {
    name: "signed by a key the client does not have",
    make: async () => params(await raw(base(), { alg: "RS256" }, stranger.privateKey)),
    text: "signature does not verify",
  },
  {
    name: "wrong client_assertion_type",
    make: async () => ({ ...params(await assertion()), client_assertion_type: "urn:x" }),
    status: 400,
    error: "invalid_request",
    text: "client_assertion_type must be",
  },
  {
    name: "no client_assertion",
    make: async () => {
      const { client_assertion: _c, ...p } = params("x");
      return p;
    },
    status: 400,
    error: "invalid_request",
    text: "Missing required parameter: client_assertion",
  },
  {
    name: "a client secret instead",
    make: async () => ({ ...params(await assertion()), client_secret: "s3cr3t" }),
    text: "client_secret is not accepted",
  },
  {
    name: "another grant type",
    make: async () => ({ ...params(await assertion()), grant_type: "password" }),
    status: 400,
    error: "unsupported_grant_type",
    text: "Unsupported grant type: password",
  },
];

describe("assertion rejections (Auth0's rules for private_key_jwt)", () => {
  it.each(rejections)("$name", async ({ make, status, error, text }) => {
    const r = await token(await make());
    expect(r.status).toBe(status ?? 401);
    expect(r.body.error).toBe(error ?? "invalid_client");
    expect(r.body.access_token).toBeUndefined();
    expect(String(r.body.error_description)).toContain(text);
  });

  it("accepts aud as a one-element array, a 5-minute lifetime from iat, and no iat with exp under 5 minutes", async () => {
    expect(await token(params(await raw({ ...base(), aud: [AUD] })))).toMatchObject({ status: 200 });
    expect(await token(params(await raw({ ...base(), iat: now() - 30, exp: now() + 270 })))).toMatchObject({ status: 200 });
    const { iat: _i, ...noIat } = base();
    expect(await token(params(await raw({ ...noIat, exp: now() + 290 })))).toMatchObject({ status: 200 });
  });

  it("a replay is refused while the clock tolerance still accepts the assertion (up to 10 s past exp)", async () => {
    const a = await raw({ ...base(), iat: now(), exp: now() + 30 });
    expect((await token(params(a))).status).toBe(200);
    clock = new Date(Date.now() + 35_000);
    try {
      const again = await token(params(a));
      expect(again.body.error_description).toBe("client_assertion jti has already been used (assertions are single-use)");
    } finally {
      clock = undefined;
    }
  });

  it("a replayed assertion (same jti) is rejected", async () => {
    const a = await assertion();
    expect((await token(params(a))).status).toBe(200);
    const again = await token(params(a));
    expect(again).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "client_assertion jti has already been used (assertions are single-use)" },
    });
  });

  it("an expired credential is rejected even with a valid assertion", async () => {
    const soonId = localClientId("e2e", "soon");
    const make = () =>
      clientAssertion({ clientId: soonId, privateKeyPem: expiring.privateKey, alg: "RS256", audience: AUD, kid: undefined });
    expect((await token(params(await make(), { audience: "https://reports.test" }))).status).toBe(200);
    clock = new Date(Date.now() + 4 * 86_400_000);
    try {
      const later = await clientAssertion({
        clientId: soonId,
        privateKeyPem: expiring.privateKey,
        alg: "RS256",
        audience: AUD,
        now: clock,
      });
      const r = await token(params(later, { audience: "https://reports.test" }));
      expect(r.body.error_description).toContain("the credential soon expired at");
    } finally {
      clock = undefined;
    }
  });

  it("the kid rule: Auth0's, the public key's RFC 7638 thumbprint", () => {
    const creds = tenant.plan.spec.applications.svc!.credentials!;
    expect(localKid(creds[1]!)).toBe(creds[1]!.key.thumbprint);
    expect(localKid(creds[0]!)).toBe(creds[0]!.key.thumbprint);
  });
});
