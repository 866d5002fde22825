import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { SignJWT, createRemoteJWKSet, jwtVerify } from "jose";
import { createPrivateKey } from "node:crypto";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant, localClientId, localKid, type LocalTenant } from "../../src/local-tenant";
import { ASSERTION_TYPE } from "../../src/local-tenant/assertion";
import { clientAssertion, requestToken } from "../../src/local-tenant/client";
import { tempProject } from "../support/temp-project";

const DOMAIN = "acme-test.eu.auth0.com";
const AUD = `https://${DOMAIN}/`;
const pem = (bits = 2048) =>
  generateKeyPairSync("rsa", {
    modulusLength: bits,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });

const svc = pem();
const svcPs = pem();
const other = pem();
const stranger = pem();
const expiring = pem();
let project: ReturnType<typeof tempProject>;
let tenant: LocalTenant;
let clock = new Date();
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
      },
      applications: {
        svc: {
          type: "m2m",
          metadata: { tenant_id: "acme", tier: "gold" },
          credentials: [
            { name: "svc-rs", publicKey: "keys/e2e/svc.pem", algorithm: "RS256" },
            { name: "svc-ps", publicKey: "keys/e2e/svc-ps.pem", algorithm: "PS256", kid: "svc-ps-key-01" },
          ],
          grants: { orders: ["orders:read", "orders:write"] },
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
  tenant = await startLocalTenant({ dir: project.root, stack: "e2e", now: () => clock });
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
      { issuer: AUD, audience: "https://orders.test" },
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

  it("accepts the second credential (PS256, declared kid) during a rotation", async () => {
    const r = await token(params(await assertion({ privateKeyPem: svcPs.privateKey, alg: "PS256", kid: "svc-ps-key-01" })));
    expect(r.status).toBe(200);
  });

  it("serves discovery and JWKS", async () => {
    const conf = (await (await fetch(`${tenant.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(conf).toMatchObject({
      issuer: AUD,
      token_endpoint: `${tenant.url}/oauth/token`,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
    });
    const jwks = (await (await fetch(`${tenant.url}/.well-known/jwks.json`)).json()) as { keys: { kty: string; d?: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]!.kty).toBe("RSA");
    expect(jwks.keys[0]!.d).toBeUndefined();
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
    expect(String(r.body.error_description)).toContain(text);
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
      clock = new Date();
    }
  });

  it("the local kid rule: a declared kid, else the RFC 7638 thumbprint", () => {
    const creds = tenant.plan.spec.applications.svc!.credentials!;
    expect(localKid(creds[1]!)).toBe("svc-ps-key-01");
    expect(localKid(creds[0]!)).toBe(creds[0]!.key.thumbprint);
  });
});
