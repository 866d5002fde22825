import { createPrivateKey } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { ASSERTION_LIMITS, verifyClientAssertion } from "../../src/local-tenant/assertion";
import type { LocalClient } from "../../src/local-tenant/clients";
import { OAuthError } from "../../src/local-tenant/errors";
import { JtiCache } from "../../src/local-tenant/replay";
import type { SigningKeys } from "../../src/local-tenant/signing-keys";
import { TokenEndpoint } from "../../src/local-tenant/token-endpoint";
import { inspectPublicKey } from "../../src/spec";
import { validateTenant } from "../../src/tenant/load";
import { type ApplicationSpec, type TenantSpec } from "../../src/kinds/specs";
import { type CredentialSpec } from "../../src/spec/credentials";
import { FIXTURE_PRIVATE_KEY_PEM, FIXTURE_PUBLIC_KEY_PEM, rsaCertificate } from "../support/rsa-keys";

/**
 * The local tenant's client assertion limits (shared/AUTH0-FACTS.md), each at limit −1, the limit and +1, at a fixed
 * clock on a whole second: 2048 bytes, a lifetime of 300 s, 10 s of clock skew for iat, nbf and exp, 64-character
 * jti and iss, a 16-character alg, and credentials that expire (explicitly or with their certificate).
 */
const NOW = new Date("2026-11-22T12:00:00Z");
const T = NOW.getTime() / 1000;
const AUD = "https://acme.eu.auth0.com/";
const ID = "c".repeat(32);
const signingKey = createPrivateKey(FIXTURE_PRIVATE_KEY_PEM);

let credential: CredentialSpec;
beforeAll(async () => {
  credential = {
    name: "k",
    publicKey: "keys/k.pem",
    algorithm: "RS256",
    key: await inspectPublicKey(FIXTURE_PUBLIC_KEY_PEM),
    parseExpiryFromCert: false,
  };
});

function clientsWith(clientId: string, credentials: CredentialSpec[]): Map<string, LocalClient> {
  const app = { type: "m2m", key: "svc", name: "svc", metadata: {}, grants: {}, credentials } as unknown as ApplicationSpec;
  return new Map([[clientId, { clientId, app }]]);
}

const claims = (over: Record<string, unknown> = {}) => ({ iss: ID, sub: ID, aud: AUD, iat: T, exp: T + 60, jti: "jti-1", ...over });
const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  new SignJWT(payload).setProtectedHeader({ alg: "RS256", ...header } as { alg: string }).sign(signingKey);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** An unsigned token for checks that come before the signature (jose cannot sign with a made-up alg). */
const unsigned = (header: Record<string, unknown>, payload: Record<string, unknown>) => `${b64(header)}.${b64(payload)}.c2ln`;

async function verify(
  assertion: string,
  options: { clientId?: string; credentials?: CredentialSpec[]; clientIdParam?: string; now?: Date; replay?: JtiCache } = {},
): Promise<string> {
  try {
    await verifyClientAssertion(assertion, {
      clients: clientsWith(options.clientId ?? ID, options.credentials ?? [credential]),
      audiences: [AUD],
      ...(options.clientIdParam !== undefined ? { clientIdParam: options.clientIdParam } : {}),
      now: options.now ?? NOW,
      replay: options.replay ?? new JtiCache(),
    });
    return "ok";
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e;
    return `${e.status} ${e.error}: ${e.description}`;
  }
}

describe("client assertion limits", () => {
  it("are Auth0's", () => {
    expect(ASSERTION_LIMITS).toEqual({
      maxBytes: 2048,
      maxLifetimeSeconds: 300,
      clockSkewSeconds: 10,
      maxJtiChars: 64,
      maxIdChars: 64,
      maxAlgChars: 16,
    });
  });

  /** Pads a claim until the signed assertion is exactly `bytes` long (base64url cannot reach every length, so the header varies too). */
  async function assertionOfLength(bytes: number): Promise<string> {
    for (let typ = 0; typ < 4; typ++) {
      const header = { alg: "RS256", typ: "J".repeat(typ) };
      const fixed = b64(header).length + 2 + 342; // two dots, a 2048-bit RSA signature
      for (let pad = 0; pad < bytes; pad++) {
        const payload = claims({ pad: "x".repeat(pad) });
        const length = fixed + b64(payload).length;
        if (length === bytes) return sign(payload, header);
        if (length > bytes) break;
      }
    }
    throw new Error(`no assertion of ${bytes} bytes`);
  }

  it.each([
    { bytes: 2047, result: "ok" },
    { bytes: 2048, result: "ok" },
    { bytes: 2049, result: "401 invalid_client: client_assertion is 2049 bytes (at most 2048)" },
  ])("an assertion of $bytes bytes: $result", async ({ bytes, result }) => {
    const assertion = await assertionOfLength(bytes);
    expect(assertion).toHaveLength(bytes);
    expect(await verify(assertion)).toBe(result);
  });

  const refused = (what: string) => `401 invalid_client: client_assertion ${what}`;
  const cases: { name: string; payload: Record<string, unknown>; result: string }[] = [
    // lifetime: exp - iat, or exp - now without iat
    { name: "exp - iat = 299", payload: claims({ exp: T + 299 }), result: "ok" },
    { name: "exp - iat = 300", payload: claims({ exp: T + 300 }), result: "ok" },
    { name: "exp - iat = 301", payload: claims({ exp: T + 301 }), result: refused("lifetime exceeds 300 seconds (exp - iat is 301)") },
    { name: "no iat, exp now + 300", payload: claims({ iat: undefined, exp: T + 300 }), result: "ok" },
    {
      name: "no iat, exp now + 301",
      payload: claims({ iat: undefined, exp: T + 301 }),
      result: refused("lifetime exceeds 300 seconds (no iat, and exp is 301 s away)"),
    },
    { name: "iat 10 s ago, exp now + 290", payload: claims({ iat: T - 10, exp: T + 290 }), result: "ok" },
    {
      name: "iat 10 s ago, exp now + 291",
      payload: claims({ iat: T - 10, exp: T + 291 }),
      result: refused("lifetime exceeds 300 seconds (exp - iat is 301)"),
    },
    // clock skew
    { name: "iat now + 9", payload: claims({ iat: T + 9, exp: T + 69 }), result: "ok" },
    { name: "iat now + 10", payload: claims({ iat: T + 10, exp: T + 70 }), result: "ok" },
    { name: "iat now + 11", payload: claims({ iat: T + 11, exp: T + 71 }), result: refused("iat is in the future") },
    { name: "nbf now + 10", payload: claims({ nbf: T + 10 }), result: "ok" },
    { name: "nbf now + 11", payload: claims({ nbf: T + 11 }), result: refused("is not valid yet (nbf)") },
    { name: "exp 9 s ago", payload: claims({ iat: T - 60, exp: T - 9 }), result: "ok" },
    { name: "exp 10 s ago", payload: claims({ iat: T - 60, exp: T - 10 }), result: refused("has expired") },
    { name: "no exp", payload: claims({ exp: undefined }), result: refused("exp is required") },
    // jti
    { name: "jti of 1 character", payload: claims({ jti: "j" }), result: "ok" },
    { name: "jti of 63 characters", payload: claims({ jti: "j".repeat(63) }), result: "ok" },
    { name: "jti of 64 characters", payload: claims({ jti: "j".repeat(64) }), result: "ok" },
    {
      name: "jti of 65 characters",
      payload: claims({ jti: "j".repeat(65) }),
      result: refused("jti must be a string of 1 to 64 characters"),
    },
    { name: "empty jti", payload: claims({ jti: "" }), result: refused("jti must be a string of 1 to 64 characters") },
    { name: "numeric jti", payload: claims({ jti: 7 }), result: refused("jti must be a string of 1 to 64 characters") },
    { name: "no jti", payload: claims({ jti: undefined }), result: refused("jti is required") },
    // iss, sub, aud
    {
      name: "sub other than iss",
      payload: claims({ sub: "d".repeat(32) }),
      result: refused("sub must equal iss (both are the client id)"),
    },
    {
      name: "unknown client",
      payload: claims({ iss: "d".repeat(32), sub: "d".repeat(32) }),
      result: `401 invalid_client: Unknown client: ${"d".repeat(32)}`,
    },
    { name: "aud as a one-element array", payload: claims({ aud: [AUD] }), result: "ok" },
    {
      name: "aud without its trailing slash",
      payload: claims({ aud: AUD.slice(0, -1) }),
      result: refused(`aud must be the tenant URL with its trailing slash (${AUD})`),
    },
    {
      name: "aud in upper case",
      payload: claims({ aud: AUD.toUpperCase() }),
      result: refused(`aud must be the tenant URL with its trailing slash (${AUD})`),
    },
    {
      name: "aud naming a second audience",
      payload: claims({ aud: [AUD, "https://other.example/"] }),
      result: refused(`aud must be one value, the tenant URL with its trailing slash (${AUD}); got an array of 2`),
    },
    {
      name: "no aud",
      payload: claims({ aud: undefined }),
      result: refused(`aud must be one value, the tenant URL with its trailing slash (${AUD}); got none`),
    },
    {
      name: "numeric aud",
      payload: claims({ aud: 5 }),
      result: refused(`aud must be one value, the tenant URL with its trailing slash (${AUD}); got number`),
    },
    {
      name: "aud array of a number",
      payload: claims({ aud: [5] }),
      result: refused(`aud must be one value, the tenant URL with its trailing slash (${AUD}); got an array of 1`),
    },
  ];
  it.each(cases)("$name: $result", async ({ payload, result }) => {
    expect(await verify(await sign(payload))).toBe(result);
  });

  it.each([
    { chars: 63, result: "ok" },
    { chars: 64, result: "ok" },
    { chars: 65, result: refused("iss must be the client id (at most 64 characters)") },
  ])("a client id of $chars characters: $result", async ({ chars, result }) => {
    const id = "i".repeat(chars);
    expect(await verify(await sign(claims({ iss: id, sub: id })), { clientId: id })).toBe(result);
  });

  it("an empty iss is refused as a client id", async () => {
    expect(await verify(await sign(claims({ iss: "", sub: "" })), { clientId: "" })).toBe(
      refused("iss must be the client id (at most 64 characters)"),
    );
  });

  it.each([
    { alg: "", result: refused("header alg must be a string of at most 16 characters") },
    { alg: "R".repeat(16), result: refused(`alg ${"R".repeat(16)} does not match the credential's algorithm (RS256)`) },
    { alg: "R".repeat(17), result: refused("header alg must be a string of at most 16 characters") },
    { alg: "rs256", result: refused("alg rs256 does not match the credential's algorithm (RS256)") },
  ])("header alg $alg: $result", async ({ alg, result }) => {
    expect(await verify(unsigned({ alg }, claims()))).toBe(result);
  });

  it("client_id, when sent, must be the assertion's iss, letter for letter", async () => {
    const assertion = await sign(claims());
    expect(await verify(assertion, { clientIdParam: ID })).toBe("ok");
    expect(await verify(assertion, { clientIdParam: ID.toUpperCase() })).toBe(
      "401 invalid_client: client_id does not match the client_assertion's iss",
    );
  });

  it("a kid, when sent, is the credential's thumbprint, letter for letter", async () => {
    expect(await verify(await sign(claims(), { kid: credential.key.thumbprint }))).toBe("ok");
    const upper = credential.key.thumbprint.toUpperCase();
    expect(await verify(await sign(claims(), { kid: upper }))).toBe(refused(`kid "${upper}" matches no credential of this client`));
  });

  it("a jti is single-use until exp plus the skew, per client", async () => {
    const replay = new JtiCache(1e12);
    const assertion = await sign(claims({ exp: T + 60 }));
    expect(await verify(assertion, { replay })).toBe("ok");
    expect(await verify(assertion, { replay, now: new Date((T + 69) * 1000) })).toBe(
      refused("jti has already been used (assertions are single-use)"),
    );
    // At exp + 10 s jose refuses it as expired; the cache has forgotten it by then.
    expect(await verify(assertion, { replay, now: new Date((T + 70) * 1000) })).toBe(refused("has expired"));
  });
});

describe("a credential's expiry in the local tenant: equal to now is expired", () => {
  it.each([
    { offsetMs: -1, result: "expired" },
    { offsetMs: 0, result: "expired" },
    { offsetMs: 1, result: "ok" },
  ])("effectiveExpiresAt now + $offsetMs ms: $result", async ({ offsetMs, result }) => {
    const expiresAt = new Date(NOW.getTime() + offsetMs).toISOString();
    const expiring = { ...credential, expiresAt, effectiveExpiresAt: expiresAt };
    expect(await verify(await sign(claims()), { credentials: [expiring] })).toBe(
      result === "ok" ? "ok" : `401 invalid_client: the credential k expired at ${expiresAt}`,
    );
  });
});

describe("the token endpoint", () => {
  const NOT_AFTER = new Date(NOW.getTime() + 3_600_000);
  let clock = NOW;
  let endpoint: TokenEndpoint;
  let clientId: string;
  beforeAll(async () => {
    const raw = {
      apis: { orders: { identifier: "https://orders.test", scopes: { "orders:read": "r", "ORDERS:READ": "upper" } } },
      applications: {
        svc: { type: "m2m", credentials: [{ name: "cert", publicKey: "keys/svc.crt" }], grants: { orders: ["orders:read"] } },
      },
    };
    const certPem = await rsaCertificate({ notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: NOT_AFTER });
    const r = await validateTenant(raw, { stack: "dev", now: NOW, readFile: async (p) => (p === "keys/svc.crt" ? certPem : undefined) });
    expect(r.errors).toEqual([]);
    const signingKeys = {
      forAlg: (alg: string) => ({ alg, kid: "local", privateKey: signingKey }),
      jwks: () => ({ keys: [] }),
    } as unknown as SigningKeys;
    endpoint = new TokenEndpoint(r.spec as TenantSpec, { domain: "acme.eu.auth0.com", signingKeys, now: () => clock });
    clientId = [...endpoint.clients.keys()][0]!;
  });

  async function token(extra: Record<string, string> = {}, at = clock) {
    clock = at;
    const iat = Math.floor(at.getTime() / 1000);
    const assertion = await sign({ iss: clientId, sub: clientId, aud: AUD, iat, exp: iat + 60, jti: `${iat}-${Math.random()}` });
    try {
      const r = await endpoint.token(
        {
          grant_type: "client_credentials",
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: assertion,
          audience: "https://orders.test",
          ...extra,
        },
        { issuer: "https://localhost:4010/" },
      );
      return `ok ${r.scope}`;
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return `${e.status} ${e.error}: ${e.description}`;
    }
  }

  it("refuses a certificate credential once its certificate expires while the tenant runs", async () => {
    expect(await token({}, NOW)).toBe("ok orders:read");
    expect(await token({}, new Date(NOT_AFTER.getTime() - 1000))).toBe("ok orders:read");
    expect(await token({}, NOT_AFTER)).toBe(`401 invalid_client: the credential cert expired at ${NOT_AFTER.toISOString()}`);
  });

  it.each([
    { scope: "orders:read", result: "ok orders:read" },
    { scope: "ORDERS:READ", result: "403 access_denied: Client has not been granted scopes: ORDERS:READ" },
    { scope: "Orders:Read", result: "403 access_denied: Client has not been granted scopes: Orders:Read" },
  ])("compares scopes letter for letter: $scope", async ({ scope, result }) => {
    expect(await token({ scope }, NOW)).toBe(result);
  });

  it("compares the audience letter for letter", async () => {
    expect(await token({ audience: "HTTPS://ORDERS.TEST" }, NOW)).toBe("403 access_denied: Service not found: HTTPS://ORDERS.TEST");
  });
});

describe("the jti replay cache at its boundaries", () => {
  const t = 1_000_000_000_000;
  it("a jti is free again at exactly its expiry, before any sweep", () => {
    const cache = new JtiCache(1e12);
    expect(cache.use("a", "j", t / 1000 + 60, t)).toBe("ok");
    expect(cache.use("a", "j", t / 1000 + 60, t + 59_999)).toBe("used");
    expect(cache.use("a", "j", t / 1000 + 60, t + 60_000)).toBe("ok");
  });

  it("sweeps only when the interval has passed (at exactly the interval), and forgets entries at exactly their expiry", () => {
    const cache = new JtiCache(10_000);
    cache.use("a", "j1", t / 1000 + 1, t);
    cache.use("a", "j2", t / 1000 + 5, t + 2_000);
    expect(cache.size).toBe(2); // j1 expired at t + 1 s, but no sweep before t + 10 s
    cache.use("a", "j3", t / 1000 + 100, t + 9_999);
    expect(cache.size).toBe(3);
    cache.use("a", "j4", t / 1000 + 100, t + 10_000);
    expect(cache.size).toBe(2); // j1 and j2 gone, j3 and j4 kept
  });

  it("an entry expiring at exactly the sweep time is forgotten", () => {
    const cache = new JtiCache(1_000);
    cache.use("a", "j1", t / 1000 + 1, t);
    cache.use("a", "j2", t / 1000 + 100, t + 1_000);
    expect(cache.size).toBe(1);
  });

  it("when full, sweeps before refusing, even between sweeps", () => {
    const cache = new JtiCache(1e12, 2);
    cache.use("a", "j1", t / 1000 + 1, t);
    cache.use("a", "j2", t / 1000 + 1, t);
    expect(cache.use("a", "j3", t / 1000 + 60, t + 500)).toBe("full");
    expect(cache.use("a", "j3", t / 1000 + 60, t + 1_000)).toBe("ok");
    expect(cache.size).toBe(1);
  });
});

describe("the token endpoint's answers", () => {
  let denied: { code?: string; reason: string } | undefined;
  let endpoint: TokenEndpoint;
  let clientId: string;
  beforeAll(async () => {
    const raw = {
      apis: {
        orders: { identifier: "https://orders.test", tokenLifetime: 600, scopes: { "orders:read": "r", "orders:write": "w" } },
        ledger: { identifier: "https://ledger.test", signingAlg: "PS256", scopes: { "ledger:read": "r" } },
      },
      applications: {
        svc: {
          type: "m2m",
          credentials: [{ name: "k", publicKey: "keys/k.pem" }],
          grants: { orders: ["orders:read", "orders:write"], ledger: [] },
        },
      },
    };
    const r = await validateTenant(raw, {
      stack: "dev",
      now: NOW,
      readFile: async (p) => (p === "keys/k.pem" ? FIXTURE_PUBLIC_KEY_PEM : undefined),
    });
    expect(r.errors).toEqual([]);
    const signingKeys = {
      forAlg: (alg: string) => ({ alg, kid: `kid-${alg}`, privateKey: signingKey }),
      jwks: () => ({ keys: ["jwks"] }),
    } as unknown as SigningKeys;
    endpoint = new TokenEndpoint(r.spec as TenantSpec, {
      domain: "acme.eu.auth0.com",
      customDomain: "login.acme.example",
      signingKeys,
      now: () => NOW,
      hook: async ({ client, api, scopes }) => ({
        claims: { "https://acme.example/seen": `${client.app.key} ${api.key} ${scopes.join(",")}` },
        ...(denied ? { denied } : {}),
      }),
    });
    clientId = [...endpoint.clients.keys()][0]!;
  });

  const assertionFor = (aud = AUD) => sign({ iss: clientId, sub: clientId, aud, iat: T, exp: T + 60, jti: `j-${Math.random()}` });
  async function request(params: Record<string, string | undefined>) {
    try {
      return await endpoint.token(params, { issuer: "https://localhost:4010/" });
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return `${e.status} ${e.error}: ${e.description}`;
    }
  }
  const valid = async (over: Record<string, string | undefined> = {}) => ({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: await assertionFor(),
    audience: "https://orders.test",
    ...over,
  });

  it("issues Auth0's claims plus the hook's, signed with the API's algorithm", async () => {
    denied = undefined;
    const r = (await request(await valid({ scope: "  orders:write   orders:read " }))) as { access_token: string };
    expect(r).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 600, scope: "orders:write orders:read" });
    expect(decodeProtectedHeader(r.access_token)).toEqual({ alg: "RS256", typ: "JWT", kid: "kid-RS256" });
    expect(decodeJwt(r.access_token)).toEqual({
      "https://acme.example/seen": "svc orders orders:write,orders:read",
      iss: "https://localhost:4010/",
      sub: `${clientId}@clients`,
      aud: "https://orders.test",
      azp: clientId,
      gty: "client-credentials",
      scope: "orders:write orders:read",
      iat: T,
      exp: T + 600,
    });
    const all = (await request(await valid())) as { scope: string };
    expect(all.scope).toBe("orders:read orders:write");
    const none = (await request(await valid({ audience: "https://ledger.test" }))) as { access_token: string };
    expect(none).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 86_400 });
    expect(decodeJwt(none.access_token)).not.toHaveProperty("scope");
    expect(decodeProtectedHeader(none.access_token).alg).toBe("PS256");
  });

  it("accepts assertions for the request's issuer, the Auth0 domain and the custom domain", async () => {
    expect(endpoint.audiencesFor("https://localhost:4010/")).toEqual(["https://localhost:4010/", AUD, "https://login.acme.example/"]);
    expect(endpoint.audiencesFor(AUD)).toEqual([AUD, "https://login.acme.example/"]);
    for (const aud of ["https://localhost:4010/", AUD, "https://login.acme.example/"]) {
      expect(await request(await valid({ client_assertion: await assertionFor(aud) }))).toMatchObject({ token_type: "Bearer" });
    }
    expect(await request(await valid({ client_assertion: await assertionFor("https://other.example/") }))).toMatch(
      /^401 invalid_client: client_assertion aud must be/,
    );
    expect(endpoint.jwks()).toEqual({ keys: ["jwks"] });
  });

  it.each([
    { code: undefined, result: "403 access_denied: no" },
    { code: "access_denied", result: "403 access_denied: no" },
    { code: "invalid_request", result: "400 invalid_request: no" },
    { code: "invalid_scope", result: "400 invalid_scope: no" },
    { code: "server_error", result: "500 server_error: no" },
    { code: "custom_reason", result: "403 custom_reason: no" },
  ])("a deny with code $code answers $result", async ({ code, result }) => {
    denied = { ...(code ? { code } : {}), reason: "no" };
    expect(await request(await valid())).toBe(result);
    denied = undefined;
  });

  it.each([
    { over: { grant_type: undefined }, result: "400 invalid_request: Missing required parameter: grant_type" },
    { over: { grant_type: "" }, result: "400 invalid_request: Missing required parameter: grant_type" },
    {
      over: { grant_type: "password" },
      result: "400 unsupported_grant_type: Unsupported grant type: password (the local tenant serves client_credentials)",
    },
    {
      over: { grant_type: "CLIENT_CREDENTIALS" },
      result: "400 unsupported_grant_type: Unsupported grant type: CLIENT_CREDENTIALS (the local tenant serves client_credentials)",
    },
    {
      over: { client_secret: "" },
      result: "401 invalid_client: client_secret is not accepted: these applications authenticate with private_key_jwt",
    },
    {
      over: { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:JWT-bearer" },
      result: "400 invalid_request: client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    },
    { over: { client_assertion: "" }, result: "400 invalid_request: Missing required parameter: client_assertion" },
    {
      over: { audience: undefined },
      result: "403 access_denied: No audience parameter was provided, and no default audience has been configured",
    },
    {
      over: { audience: "" },
      result: "403 access_denied: No audience parameter was provided, and no default audience has been configured",
    },
    {
      over: { scope: "orders:read orders:delete ledger:read" },
      result: "403 access_denied: Client has not been granted scopes: orders:delete, ledger:read",
    },
    { over: { client_id: "x" }, result: "401 invalid_client: client_id does not match the client_assertion's iss" },
  ])("refuses $over", async ({ over, result }) => {
    expect(await request(await valid(over))).toBe(result);
  });

  it("an API the application has no grant for", async () => {
    const other = new TokenEndpoint(
      {
        ...endpoint.spec,
        apis: { ...endpoint.spec.apis, extra: { ...endpoint.spec.apis.orders!, key: "extra", identifier: "https://extra.test" } },
      },
      { domain: "acme.eu.auth0.com", signingKeys: {} as SigningKeys, now: () => NOW },
    );
    const r = await other
      .token(await valid({ audience: "https://extra.test" }), { issuer: "https://localhost:4010/" })
      .catch((e: OAuthError) => e.description);
    expect(r).toBe('Client is not authorized to access "https://extra.test". You need to create a "client-grant" associated to this API.');
  });

  it("a replay cache full of live assertions answers 429", async () => {
    expect(await verify(await sign(claims()), { replay: new JtiCache(1e12, 0) })).toBe(
      "429 too_many_requests: too many client assertions still unexpired; retry shortly",
    );
  });
});
