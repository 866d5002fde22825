import { describe, expect, it } from "vitest";
import {
  AUTH0_OWNED_DOMAINS,
  claimNameProblem,
  claimNamespaceHost,
  customClaimsBytes,
  isAuth0Audience,
  isNamespaced,
} from "../../src/spec/claim-rules";
import { validateTenant } from "../../src/tenant/load";
import { rsaPublicKeyOfBits } from "../support/rsa-keys";

/**
 * Which name rules ignore case and which do not: a URL's scheme and host are case-insensitive (so an Auth0-owned
 * namespace is dropped however it is spelt), while claim names, scopes and audiences are compared letter for letter.
 */
const NOW = new Date("2026-11-22T12:00:00Z");
const OWNED = "is an Auth0-owned domain";

describe("Auth0-owned namespaces, in any case", () => {
  it("the owned domains", () => expect(AUTH0_OWNED_DOMAINS).toEqual(["auth0.com", "webtask.io", "webtask.run"]));

  it.each([
    ["https://auth0.com/roles", "auth0.com"],
    ["HTTPS://auth0.com/roles", "auth0.com"],
    ["https://AUTH0.COM/roles", "auth0.com"],
    ["Https://Auth0.Com/roles", "auth0.com"],
    ["https://acme.eu.AUTH0.com/roles", "acme.eu.auth0.com"],
    ["http://x.webtask.io/t", "x.webtask.io"],
    ["HTTP://X.WEBTASK.IO/t", "x.webtask.io"],
    ["https://WebTask.Run/t", "webtask.run"],
    ["https://sandbox.webtask.run/t", "sandbox.webtask.run"],
  ])("%s is dropped (namespace %s)", (name, host) => {
    expect(claimNamespaceHost(name)).toBe(host);
    for (const token of ["id", "access"] as const) {
      expect(claimNameProblem(name, token)).toBe(
        `the namespace ${host} is an Auth0-owned domain (auth0.com, webtask.io, webtask.run); such claims are silently dropped (use a domain you own, e.g. https://example.com/…)`,
      );
    }
  });

  it.each([
    "https://acme.example/roles",
    "HTTPS://ACME.EXAMPLE/ROLES",
    "https://notauth0.com/roles",
    "https://auth0.com.acme.example/roles",
    "https://auth0-com.example/roles",
    "https://webtask.iox/t",
  ])("%s is kept", (name) => {
    expect(isNamespaced(name)).toBe(true);
    expect(claimNameProblem(name, "id")).toBeUndefined();
    expect(claimNameProblem(name, "access", "https://acme.eu.auth0.com/api/v2/")).toBeUndefined();
  });

  it.each(["ftp://acme.example/x", "https:/acme.example/x", "https://", "acme.example/x", "urn:acme:roles", " https://acme.example/x"])(
    "%s is not a namespace",
    (name) => {
      expect(claimNamespaceHost(name)).toBeUndefined();
      expect(isNamespaced(name)).toBe(false);
    },
  );
});

describe("claim names are case-sensitive (RFC 7519)", () => {
  it.each([
    { name: "roles", dropped: true },
    { name: "Roles", dropped: false },
    { name: "ROLES", dropped: false },
    { name: "internalService", dropped: true },
    { name: "internalservice", dropped: false },
    { name: "cnf", dropped: true },
    { name: "CNF", dropped: false },
  ])("reserved claim $name dropped: $dropped", ({ name, dropped }) => {
    for (const token of ["id", "access"] as const) {
      const problem = claimNameProblem(name, token);
      if (dropped) expect(problem).toContain(`"${name}" is a claim Auth0 reserves`);
      else expect(problem).toBeUndefined();
    }
  });

  it.each([
    { name: "kid", header: true },
    { name: "KID", header: false },
    { name: "crit", header: true },
    { name: "Crit", header: false },
    { name: "x5c", header: true },
  ])("header parameter $name: $header", ({ name, header }) => {
    const problem = claimNameProblem(name, "access");
    if (header) expect(problem).toContain(`"${name}" is a JWT header parameter`);
    else expect(problem).toBeUndefined();
  });

  it.each([
    { name: "email", token: "id", dropped: true },
    { name: "email", token: "access", dropped: false },
    { name: "Email", token: "id", dropped: false },
    { name: "phone_number_verified", token: "id", dropped: true },
    { name: "https://acme.example/email", token: "id", dropped: false },
  ] as const)("OIDC profile claim $name on the $token token dropped: $dropped", ({ name, token, dropped }) => {
    const problem = claimNameProblem(name, token);
    if (dropped) expect(problem).toContain(`"${name}" is a standard OIDC profile claim`);
    else expect(problem).toBeUndefined();
  });

  it.each(["", " ", "\t"])("%j is empty", (name) => expect(claimNameProblem(name, "id")).toBe("a claim name must not be empty"));
});

describe("Auth0's own APIs as an access token audience, host in any case", () => {
  it.each([
    { audience: "https://acme.eu.auth0.com/api/v2/", auth0: true },
    { audience: "HTTPS://ACME.EU.AUTH0.COM/api/v2/", auth0: true },
    { audience: "https://acme.webtask.run/x", auth0: true },
    { audience: "https://acme.eu.auth0.com/userinfo", auth0: false },
    { audience: "https://acme.eu.auth0.com/userinfo/", auth0: false },
    { audience: "https://acme.eu.auth0.com/userinfo/x", auth0: true },
    { audience: "https://orders.test", auth0: false },
    { audience: "orders", auth0: false },
    { audience: undefined, auth0: false },
  ])("$audience: $auth0", ({ audience, auth0 }) => {
    expect(isAuth0Audience(audience)).toBe(auth0);
    const problem = claimNameProblem("tier", "access", audience);
    if (auth0)
      expect(problem).toBe(
        `non-namespaced claims are dropped from access tokens for Auth0's own APIs (audience ${audience}); use a namespaced name`,
      );
    else expect(problem).toBeUndefined();
    // Only access tokens have an audience; namespaced claims always survive.
    expect(claimNameProblem("tier", "id", audience)).toBeUndefined();
    expect(claimNameProblem("https://acme.example/tier", "access", audience)).toBeUndefined();
  });
});

describe("custom claims size", () => {
  it("is the UTF-8 length of their JSON", () => {
    expect(customClaimsBytes({})).toBe(2);
    expect(customClaimsBytes({ a: "é" })).toBe(10);
    expect(customClaimsBytes({ "https://acme.example/n": 1 })).toBe('{"https://acme.example/n":1}'.length);
  });
});

/** The same rules at plan time, with the case rules of scopes and identifiers. */
describe("the spec applies them", () => {
  const base = () => ({
    apis: {
      orders: { identifier: "https://orders.test", scopes: { "orders:read": "r", "ORDERS:ADMIN": "a" } },
    },
    applications: {} as Record<string, unknown>,
    actions: {
      login: {
        trigger: "post-login",
        source: "actions/login.ts",
        claims: [] as { name: string; from: string; tokens?: string[] }[],
      },
    },
    triggers: { "post-login": ["login"] },
  });
  const key = rsaPublicKeyOfBits(2048);
  const validate = (raw: unknown) =>
    validateTenant(raw, { stack: "dev", now: NOW, readFile: async (p) => (p === "keys/k.pem" ? key : undefined) });

  it.each([
    { name: "HTTPS://auth0.com/roles", error: OWNED },
    { name: "https://Acme.Auth0.Com/roles", error: OWNED },
    { name: "roles", error: "is a claim Auth0 reserves" },
    { name: "Roles", error: undefined },
    { name: "HTTPS://ACME.EXAMPLE/roles", error: undefined },
  ])("claim $name: $error", async ({ name, error }) => {
    const raw = base();
    raw.actions.login.claims = [{ name, from: "user.app_metadata.x", tokens: ["id"] }];
    const r = await validate(raw);
    if (error)
      expect(r.errors).toEqual([{ path: "actions.login.claims[0].name", code: "claim_dropped", message: expect.stringContaining(error) }]);
    else expect(r.errors).toEqual([]);
  });

  it.each([
    { name: "Roles", warned: true },
    { name: "HTTPS://acme.example/roles", warned: false },
    { name: "https://ACME.example/roles", warned: false },
  ])("a post-login access token claim $name is warned about as not namespaced: $warned", async ({ name, warned }) => {
    const raw = base();
    raw.actions.login.claims = [{ name, from: "user.app_metadata.x", tokens: ["access"] }];
    const r = await validate(raw);
    expect(r.errors).toEqual([]);
    const warning = r.warnings.filter((w) => w.code === "claim_not_namespaced");
    if (warned)
      expect(warning).toEqual([
        {
          path: "actions.login.claims[0].name",
          code: "claim_not_namespaced",
          message: `"${name}" is not namespaced: Auth0 drops it from access tokens whose audience is an Auth0 API (e.g. the Management API)`,
        },
      ]);
    else expect(warning).toEqual([]);
  });

  it.each([
    { scope: "orders:read", error: undefined },
    {
      scope: "orders:READ",
      error: 'scope "orders:READ" is not defined on API orders (did you mean "orders:read"? defined: orders:read, ORDERS:ADMIN)',
    },
    { scope: "ORDERS:ADMIN", error: undefined },
    {
      scope: "orders:admin",
      error: 'scope "orders:admin" is not defined on API orders (did you mean "ORDERS:ADMIN"? defined: orders:read, ORDERS:ADMIN)',
    },
  ])("a grant of $scope: scopes match letter for letter", async ({ scope, error }) => {
    const raw = base();
    raw.applications.web = {
      type: "regular_web",
      callbacks: ["https://web.test/cb"],
    };
    raw.applications.svc = { type: "m2m", credentials: [{ name: "k", publicKey: "keys/k.pem" }], grants: { orders: [scope] } };
    const r = await validate(raw);
    if (error) expect(r.errors).toEqual([{ path: "applications.svc.grants.orders[0]", code: "scope_not_defined", message: error }]);
    else expect(r.errors).toEqual([]);
  });

  it.each([
    { other: "HTTPS://ORDERS.TEST", warned: true },
    { other: "https://Orders.Test/", warned: true },
    { other: "https://orders.test//", warned: true },
    { other: "https://orders.test2", warned: false },
  ])("identifier $other beside https://orders.test is confusable: $warned", async ({ other, warned }) => {
    const raw = base();
    (raw.apis as Record<string, unknown>).copy = { identifier: other };
    const r = await validate(raw);
    expect(r.errors).toEqual([]);
    const warning = r.warnings.filter((w) => w.path === "apis.copy.identifier");
    if (warned)
      expect(warning).toEqual([
        {
          path: "apis.copy.identifier",
          code: "duplicate",
          message: `${other} differs from apis.orders.identifier (https://orders.test) only by case or a trailing slash: two audiences that clients will confuse`,
        },
      ]);
    else expect(warning).toEqual([]);
  });

  it("the same identifier twice is an error, not a warning", async () => {
    const raw = base();
    (raw.apis as Record<string, unknown>).copy = { identifier: "https://orders.test" };
    const r = await validate(raw);
    expect(r.errors).toEqual([
      {
        path: "apis.copy.identifier",
        code: "duplicate",
        message: 'duplicate API identifier "https://orders.test" (already used at apis.orders.identifier; must be unique)',
      },
    ]);
    expect(r.warnings.filter((w) => w.path === "apis.copy.identifier")).toEqual([]);
  });
});
