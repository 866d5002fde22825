import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan";
import { CHANGE_KINDS, RISK_ORDER, SECTIONS, type DetectorContext, type Finding } from "../../src/review/changes";
import { DETECTORS } from "../../src/review/detectors";
import { riskOf } from "../../src/review/risk";
import { actionDetector } from "../../src/kinds/action/review";
import { apiDetector as apis } from "../../src/kinds/api/review";
import { applicationDetector as applications } from "../../src/kinds/application/review";
import { credentialDetector as credentials } from "../../src/kinds/application/credentials-review";
import { grantDetector as grants } from "../../src/kinds/grant/review";
import { triggerDetector } from "../../src/kinds/trigger/review";
import { protection } from "../../src/review/detectors/protection";
import { replacements } from "../../src/review/detectors/replacements";
import { tokenClaims } from "../../src/review/detectors/token-claims";

/** An action's changes and its trigger's binding order, as one review reports them. */
const actions = {
  detect: async (c: DetectorContext) => [...(await actionDetector.detect(c)), ...(await triggerDetector.detect(c))],
};

/**
 * The review's detectors on hand-made revisions (no git, no bundling): what each change is called, its words, and
 * which changes are not changes. Risk levels are in risk-words.test.ts.
 */
const NOW = new Date("2026-11-22T12:00:00Z");
const DAY = 86_400_000;

type Spec = Record<string, any>;
const plan = (spec: Spec, extra: Record<string, unknown> = {}) =>
  ({
    spec: { protect: false, apis: {}, applications: {}, actions: {}, credentialExpiryWarningDays: 30, ...spec },
    model: { bindings: { "post-login": [], "credentials-exchange": [] }, actions: {}, applications: {}, apis: {} },
    desired: { resources: [] },
    ...extra,
  }) as unknown as Plan;
const ctx = (base: Plan | undefined, head: Plan | undefined, over: Partial<DetectorContext> = {}): DetectorContext => ({
  stack: "dev",
  ...(base ? { base } : {}),
  ...(head ? { head } : {}),
  now: NOW,
  sourceStats: new Map(),
  ...over,
});
const texts = (findings: Finding[]) => findings.map((f) => `${f.kind} ${f.subject}: ${f.text}`);

describe("the detectors cover every resource type once", () => {
  it("each change kind of a resource type belongs to the detector that covers it", () => {
    const covered = DETECTORS.flatMap((d) => d.covers);
    for (const type of Object.keys(CHANGE_KINDS)) expect(covered, type).toContain(type);
    // One detector per kind (src/kinds), in the registry's order, covering that kind's resource types; then the general ones.
    expect(DETECTORS.map((d) => d.covers)).toEqual([
      ["auth0:index/resourceServer:ResourceServer", "auth0:index/resourceServerScopes:ResourceServerScopes"],
      ["auth0:index/client:Client", "auth0:index/clientCredentials:ClientCredentials"],
      ["auth0:index/clientGrant:ClientGrant"],
      ["auth0:index/action:Action"],
      ["auth0:index/triggerActions:TriggerActions"],
      ["auth0:index/role:Role", "auth0:index/rolePermissions:RolePermissions"],
      ["auth0:index/action:Action", "auth0:index/triggerActions:TriggerActions", "auth0:index/client:Client"],
      [],
      [],
    ]);
    expect(DETECTORS.slice(-3)).toEqual([tokenClaims, protection, replacements]);
    expect(replacements.covers).toEqual([]);
    expect(protection.covers).toEqual([]);
    expect(RISK_ORDER).toEqual(["high", "medium", "low", "info"]);
    expect(Object.keys(SECTIONS)).toEqual([
      "stack",
      "access",
      "applications",
      "grants",
      "apis",
      "roles",
      "credentials",
      "actions",
      "protection",
    ]);
  });
});

describe("applications", () => {
  const app = (type: string, metadata: Record<string, string> = {}, name = "Svc") => ({
    key: "svc",
    type,
    name,
    metadata,
    ...(type === "regular_web" ? { callbacks: ["https://svc.example/cb"], allowedLogoutUrls: [], webOrigins: [] } : {}),
  });

  it("added, removed, retyped", async () => {
    expect(texts(await applications.detect(ctx(plan({}), plan({ applications: { svc: app("m2m") } }))))).toEqual([
      'app.added svc: application svc (m2m, "Svc") is added',
    ]);
    expect(texts(await applications.detect(ctx(plan({ applications: { svc: app("m2m") } }), plan({}))))).toEqual([
      "app.removed svc: application svc (m2m) is removed: its clients lose access",
    ]);
    expect(
      texts(
        await applications.detect(ctx(plan({ applications: { svc: app("m2m") } }), plan({ applications: { svc: app("regular_web") } }))),
      ),
    ).toEqual([
      "app.type-changed svc: application svc changes type m2m → regular_web: its component type changes, so Pulumi replaces the Auth0 client (a new client_id; its callers, keys and grants must follow)",
      "app.url-added svc: svc gains callback https://svc.example/cb",
    ]);
    expect(texts(await applications.detect(ctx(undefined, plan({ applications: { svc: app("m2m") } }))))).toEqual([
      'app.added svc: application svc (m2m, "Svc") is added',
    ]);
    expect(texts(await applications.detect(ctx(plan({ applications: { svc: app("m2m") } }), undefined)))).toEqual([
      "app.removed svc: application svc (m2m) is removed: its clients lose access",
    ]);
  });

  it("metadata set, removed and changed, in key order; unchanged keys are not changes; a new name is a low change", async () => {
    const base = plan({ applications: { svc: app("m2m", { tier: "gold", region: "eu", same: "x" }) } });
    const head = plan({ applications: { svc: app("m2m", { tier: "silver", same: "x", added: "y" }, "Renamed") } });
    expect(texts(await applications.detect(ctx(base, head)))).toEqual([
      'app.setting-changed svc: svc name: "Svc" → "Renamed"',
      'app.metadata-changed svc: svc metadata added is set to "y"',
      'app.metadata-changed svc: svc metadata region ("eu") is removed',
      'app.metadata-changed svc: svc metadata tier: "gold" → "silver"',
    ]);
    expect(await applications.detect(ctx(base, base))).toEqual([]);
  });
});

describe("a web application's URLs and description", () => {
  const web = (urls: { callbacks?: string[]; allowedLogoutUrls?: string[]; webOrigins?: string[] }, description?: string) => ({
    key: "portal",
    type: "regular_web",
    name: "Portal",
    metadata: {},
    callbacks: ["https://portal.example/cb"],
    allowedLogoutUrls: [],
    webOrigins: [],
    ...urls,
    ...(description === undefined ? {} : { description }),
  });

  it("each URL gained or lost is a finding naming the field; a gained callback is high in production, medium elsewhere", async () => {
    const base = plan({ applications: { portal: web({ allowedLogoutUrls: ["https://portal.example/bye"] }) } });
    const head = plan({
      applications: {
        portal: web({ callbacks: ["https://portal.example/cb", "https://evil.example/steal"], webOrigins: ["https://portal.example"] }),
      },
    });
    const found = await applications.detect(ctx(base, head));
    expect(texts(found)).toEqual([
      "app.url-added portal: portal gains callback https://evil.example/steal",
      "app.url-removed portal: portal loses logout URL https://portal.example/bye",
      "app.url-added portal: portal gains web origin https://portal.example",
    ]);
    expect(riskOf(found[0]!, "prod-eu")).toBe("high");
    expect(riskOf(found[0]!, "dev")).toBe("medium");
    expect(riskOf(found[1]!, "dev")).toBe("low");
  });

  it("a description set or changed is a low change; the same URLs in another order are not changes", async () => {
    const base = plan({ applications: { portal: web({ webOrigins: ["https://a.example", "https://b.example"] }) } });
    const head = plan({ applications: { portal: web({ webOrigins: ["https://b.example", "https://a.example"] }, "Customer portal") } });
    expect(texts(await applications.detect(ctx(base, head)))).toEqual([
      'app.setting-changed portal: portal description: "" → "Customer portal"',
    ]);
  });
});

describe("grants", () => {
  const m2m = (grants: Record<string, string[]>) => ({ type: "m2m", grants });
  const web = { type: "regular_web" };
  const spec = (apps: Record<string, unknown>) => plan({ applications: apps });

  it("scopes gained and lost, per app and API in name order, with the scope on the finding", async () => {
    const base = spec({ b: m2m({ orders: ["orders:read", "orders:write"] }), a: m2m({ reports: ["reports:read"] }) });
    const head = spec({ b: m2m({ orders: ["orders:read", "orders:delete"] }), a: m2m({}) });
    const found = await grants.detect(ctx(base, head));
    expect(texts(found)).toEqual([
      "grant.scope-lost a: a loses reports:read on reports",
      "grant.scope-gained b: b gains orders:delete on orders",
      "grant.scope-lost b: b loses orders:write on orders",
    ]);
    expect(found.map((f) => [f.section, f.scope])).toEqual([
      ["grants", "reports:read"],
      ["grants", "orders:delete"],
      ["grants", "orders:write"],
    ]);
  });

  it("a new grant without scopes still lets the app get tokens; an existing empty grant is no change", async () => {
    expect(texts(await grants.detect(ctx(spec({ a: m2m({}) }), spec({ a: m2m({ orders: [] }) }))))).toEqual([
      "grant.scope-gained a: a may now get tokens for orders (a grant with no scopes)",
    ]);
    expect(await grants.detect(ctx(spec({ a: m2m({ orders: [] }) }), spec({ a: m2m({ orders: [] }) })))).toEqual([]);
    expect(texts(await grants.detect(ctx(spec({ a: m2m({ orders: ["x"] }) }), spec({ a: m2m({ orders: [] }) }))))).toEqual([
      "grant.scope-lost a: a loses x on orders",
    ]);
  });

  it("web applications have no grants; new and removed apps count", async () => {
    expect(await grants.detect(ctx(spec({ w: web }), spec({ w: web })))).toEqual([]);
    expect(texts(await grants.detect(ctx(undefined, spec({ a: m2m({ orders: ["x"] }) }))))).toEqual([
      "grant.scope-gained a: a gains x on orders",
    ]);
    expect(texts(await grants.detect(ctx(spec({ a: m2m({ orders: ["x"] }) }), undefined)))).toEqual([
      "grant.scope-lost a: a loses x on orders",
    ]);
  });
});

describe("APIs", () => {
  const api = (over: Record<string, unknown> = {}) => ({
    key: "orders",
    identifier: "https://orders.test",
    name: "Orders",
    signingAlg: "RS256",
    tokenLifetime: 3600,
    tokenLifetimeForWeb: 3600,
    allowOfflineAccess: false,
    skipConsentForVerifiableFirstPartyClients: true,
    scopes: { "orders:read": "r" },
    ...over,
  });
  const spec = (apiSpec?: unknown, apps: Record<string, unknown> = {}) =>
    plan({ apis: apiSpec ? { orders: apiSpec } : {}, applications: apps });
  const users = {
    b: { key: "b", type: "m2m", grants: { orders: ["orders:read"] } },
    a: { key: "a", type: "m2m", grants: { orders: [] } },
    w: { key: "w", type: "regular_web" },
  };

  it("added with its scopes, or none", async () => {
    expect(texts(await apis.detect(ctx(spec(), spec(api()))))).toEqual([
      "api.added orders: API orders (https://orders.test) is added with scopes orders:read",
    ]);
    expect(texts(await apis.detect(ctx(undefined, spec(api({ scopes: {} })))))).toEqual([
      "api.added orders: API orders (https://orders.test) is added with scopes (none)",
    ]);
  });

  it("removed, with the grants that go with it", async () => {
    expect(texts(await apis.detect(ctx(spec(api(), users), spec(undefined, users))))).toEqual([
      "api.removed orders: API orders (https://orders.test) is removed; grants of b, a go with it",
    ]);
    expect(texts(await apis.detect(ctx(spec(api()), undefined)))).toEqual([
      "api.removed orders: API orders (https://orders.test) is removed",
    ]);
  });

  it("identifier, scopes and every setting", async () => {
    const head = api({
      identifier: "https://orders2.test",
      name: "Orders 2",
      signingAlg: "PS256",
      tokenLifetime: 7200,
      tokenLifetimeForWeb: 60,
      allowOfflineAccess: true,
      skipConsentForVerifiableFirstPartyClients: false,
      scopes: { "orders:write": "w" },
    });
    const found = await apis.detect(ctx(spec(api(), users), spec(head, users)));
    expect(texts(found)).toEqual([
      "api.identifier-changed orders: API orders changes identifier https://orders.test → https://orders2.test: the API is replaced and every token audience changes",
      "api.scope-added orders: API orders gains scope orders:write",
      "api.scope-removed orders: API orders loses scope orders:read (was granted to b)",
      "api.setting-changed orders: API orders name: Orders → Orders 2",
      "api.setting-changed orders: API orders signingAlg: RS256 → PS256",
      "api.setting-changed orders: API orders tokenLifetime: 3600 → 7200",
      "api.setting-changed orders: API orders tokenLifetimeForWeb: 3600 → 60",
      "api.setting-changed orders: API orders allowOfflineAccess: false → true",
      "api.setting-changed orders: API orders skipConsentForVerifiableFirstPartyClients: true → false",
    ]);
    expect(found.filter((f) => f.scope).map((f) => f.scope)).toEqual(["orders:write", "orders:read"]);
    expect(texts(await apis.detect(ctx(spec(api()), spec(api({ scopes: {} })))))).toEqual([
      "api.scope-removed orders: API orders loses scope orders:read",
    ]);
    expect(await apis.detect(ctx(spec(api(), users), spec(api(), users)))).toEqual([]);
  });
});

describe("credentials", () => {
  const cred = (name: string, thumbprint: string, effectiveExpiresAt?: string) => ({
    name,
    algorithm: "RS256",
    key: { bits: 2048, thumbprint },
    ...(effectiveExpiresAt ? { effectiveExpiresAt } : {}),
  });
  const spec = (creds: unknown[] | undefined, over: Spec = {}) =>
    plan({ applications: creds === undefined ? {} : { svc: { key: "svc", type: "m2m", credentials: creds } }, ...over });
  const later = new Date(NOW.getTime() + 365 * DAY).toISOString();

  it("keys added and retired by thumbprint, described by algorithm, size and expiry", async () => {
    const found = await credentials.detect(ctx(spec([cred("a", "tA"), cred("b", "tB")]), spec([cred("b", "tB"), cred("c", "tC", later)])));
    expect(texts(found).slice(0, 2)).toEqual([
      "credential.added svc: svc: key c (RS256, 2048 bits, thumbprint tC, expires 2027-11-22) is added",
      "credential.retired svc: svc: key a (RS256, 2048 bits, thumbprint tA, no expiry) is retired; clients still signing with it stop getting tokens",
    ]);
    expect(found[2]).toMatchObject({ kind: "rotation.unsafe", subject: "svc", section: "credentials" });
    expect(found[2]!.text).toMatch(/^unsafe rotation at applications\.svc\.credentials: adds c and retires a in one step/);
    expect(found).toHaveLength(3);
  });

  it("a rename alone is no key change; rotation steps are not judged between two stacks", async () => {
    expect(texts(await credentials.detect(ctx(spec([cred("a", "tA")]), spec([cred("z", "tA")]), { mode: "compare" })))).toEqual([]);
    expect(texts(await credentials.detect(ctx(spec([cred("a", "tA")]), spec([cred("z", "tA")]))))).toEqual([
      expect.stringMatching(/^rotation\.unsafe svc: unsafe rotation at applications\.svc\.credentials\[0\]\.name: the deployed key a/),
    ]);
    expect(await credentials.detect(ctx(undefined, spec([cred("a", "tA")])))).toHaveLength(1);
  });

  it("losing every key while the app stays reverts it to a client secret; removing the app does not", async () => {
    const withKey = spec([cred("a", "tA")]);
    expect(
      texts(await credentials.detect(ctx(withKey, plan({ applications: { svc: { key: "svc", type: "regular_web" } } })))).slice(-1),
    ).toEqual([
      "credential.method-reverted svc: svc keeps existing but loses every key: it falls back to client_secret_post with the secret Auth0 generated for it",
    ]);
    expect(texts(await credentials.detect(ctx(withKey, spec(undefined))))).toEqual([
      "credential.retired svc: svc: key a (RS256, 2048 bits, thumbprint tA, no expiry) is retired; clients still signing with it stop getting tokens",
    ]);
  });

  it("keys expiring within the head's window, at its edge", async () => {
    const at = (days: number, ms = 0) => new Date(NOW.getTime() + days * DAY + ms).toISOString();
    const keys = [cred("in", "t1", at(30)), cred("out", "t2", at(30, 1)), cred("gone", "t3", at(0))];
    expect(texts(await credentials.detect(ctx(spec(keys), spec(keys))))).toEqual([
      `credential.expiring svc: svc: key in expires in 30 days (${at(30)})`,
    ]);
    const narrow = spec(keys, { credentialExpiryWarningDays: 29 });
    expect(await credentials.detect(ctx(spec(keys), narrow))).toEqual([]);
  });
});

describe("protection", () => {
  const resource = (name: string, protect: boolean) => ({ type: "auth0:index/client:Client", name, protect });
  it("protected resources that would be deleted, and protection turned off, between revisions only", async () => {
    const base = plan(
      { protect: true },
      { desired: { resources: [resource("kept", true), resource("gone", true), resource("free", false)] } },
    );
    const head = plan({ protect: false }, { desired: { resources: [resource("kept", true)] } });
    expect(texts(await protection.detect(ctx(base, head)))).toEqual([
      "protected.deleted gone: deletes protected Client gone: pulumi up will refuse until it is unprotected (pulumi state unprotect)",
      "protect.disabled tenant: protection is turned off for every resource of this stack",
    ]);
    expect(await protection.detect(ctx(base, head, { mode: "compare" }))).toEqual([]);
    expect(await protection.detect(ctx(undefined, head))).toEqual([]);
    expect(texts(await protection.detect(ctx(base, undefined)))).toEqual([
      "protected.deleted kept: deletes protected Client kept: pulumi up will refuse until it is unprotected (pulumi state unprotect)",
      "protected.deleted gone: deletes protected Client gone: pulumi up will refuse until it is unprotected (pulumi state unprotect)",
    ]);
    expect(await protection.detect(ctx(head, base))).toEqual([]);
  });
});

describe("actions", () => {
  const action = (over: Record<string, unknown> = {}) => ({
    key: "login",
    trigger: "post-login",
    source: "actions/login.ts",
    claims: [{ name: "https://a.example/c", tokens: ["id", "access"], from: "connection.name" }],
    secrets: [],
    ...over,
  });
  const spec = (a: Record<string, unknown> | undefined, bundle = { sha256: "a".repeat(64), bytes: 100 }, bindings: string[] = []) =>
    plan(
      { actions: a ? { login: a } : {} },
      {
        model: {
          bindings: { "post-login": bindings, "credentials-exchange": [] },
          actions: a ? { login: { bundle } } : {},
          applications: {},
          apis: {},
        },
      },
    );

  it("added and removed, with their claims per token", async () => {
    expect(texts(await actions.detect(ctx(spec(undefined), spec(action()))))).toEqual([
      "action.added login: action login (post-login, actions/login.ts) is added",
      "claim.added login: post-login: login adds claim https://a.example/c to the id token (from connection.name)",
      "claim.added login: post-login: login adds claim https://a.example/c to the access token (from connection.name)",
    ]);
    expect(texts(await actions.detect(ctx(spec(action()), spec(undefined))))).toEqual([
      "action.removed login: action login (post-login) is removed",
      "claim.removed login: post-login: login no longer adds claim https://a.example/c to the id token",
      "claim.removed login: post-login: login no longer adds claim https://a.example/c to the access token",
    ]);
  });

  it("claims, deny rules, secrets (names only), code and binding order", async () => {
    const base = spec(action({ secrets: [{ name: "B", config: "b" }] }), { sha256: "a".repeat(64), bytes: 100 }, ["login"]);
    const head = spec(
      action({
        claims: [{ name: "https://a.example/c", tokens: ["id"], value: "x" }],
        deny: { when: "user.blocked", equals: "true", code: "access_denied", reason: "blocked" },
        secrets: [
          { name: "C", config: "c" },
          { name: "A", config: "a" },
        ],
      }),
      { sha256: "b".repeat(64), bytes: 120 },
      [],
    );
    const found = await actions.detect(
      ctx(base, head, {
        sourceStats: new Map([
          ["actions/login.ts", { added: 3, removed: 1 }],
          ["README.md", { added: 1, removed: 0 }],
        ]),
      }),
    );
    expect(texts(found)).toEqual([
      'claim.changed login: post-login: login claim https://a.example/c on the id token now comes from = "x" (was connection.name)',
      "claim.removed login: post-login: login no longer adds claim https://a.example/c to the access token",
      "action.deny-changed login: login now denies when user.blocked = true (access_denied: blocked)",
      "action.secrets-changed login: login secrets: B → A, C (values are never shown)",
      `action.code-changed login: login code changes: bundle ${"a".repeat(12)} → ${"b".repeat(12)} (100 → 120 bytes)`,
      "binding.order-changed post-login: post-login runs no actions (was login)",
    ]);
    expect(found[4]!.details).toEqual(["actions/login.ts +3 -1"]);
    const back = await actions.detect(
      ctx(
        head,
        spec(action({ claims: [{ name: "https://a.example/c", tokens: ["id"], value: "x" }] }), { sha256: "b".repeat(64), bytes: 120 }),
      ),
    );
    expect(texts(back)).toEqual([
      "action.deny-changed login: login no longer denies anyone",
      "action.secrets-changed login: login secrets: A, C → none (values are never shown)",
    ]);
  });

  it("a code change without source statistics has no details; nothing changed is no finding", async () => {
    const base = spec(action(), { sha256: "a".repeat(64), bytes: 100 }, ["login"]);
    const head = spec(action(), { sha256: "c".repeat(64), bytes: 100 }, ["login"]);
    const [found] = await actions.detect(ctx(base, head));
    expect(found!.kind).toBe("action.code-changed");
    expect(found).not.toHaveProperty("details");
    expect(await actions.detect(ctx(base, base))).toEqual([]);
    expect(texts(await actions.detect(ctx(spec(undefined, undefined, []), spec(action(), undefined, ["login"])))).slice(-1)).toEqual([
      "binding.order-changed post-login: post-login runs login (was no actions)",
    ]);
  });
});

describe("renames that replace a deployed resource", () => {
  const res = (type: string, name: string, inputs: Record<string, unknown>) => ({ type, name, inputs, dependsOn: [], protect: false });
  const CLIENT = "auth0:index/client:Client";
  const API = "auth0:index/resourceServer:ResourceServer";
  const ACTION = "auth0:index/action:Action";
  const revision = (...resources: unknown[]) => plan({}, { desired: { resources } });

  it("a key renamed with the same Auth0 identity is a replacement, for applications, APIs and actions", async () => {
    const base = revision(
      res(CLIENT, "svc", { name: "Svc" }),
      res(API, "orders", { identifier: "https://o" }),
      res(ACTION, "claims", { name: "claims" }),
    );
    const head = revision(
      res(CLIENT, "svc2", { name: "Svc" }),
      res(API, "orders2", { identifier: "https://o" }),
      res(ACTION, "claims2", { name: "claims" }),
    );
    const found = await replacements.detect(ctx(base, head));
    expect(found.map((f) => [f.kind, f.section, f.subject, f.text.split(":")[0]])).toEqual([
      ["resource.replaced", "stack", "svc2", "application svc is renamed svc2"],
      ["resource.replaced", "stack", "orders2", "API orders is renamed orders2"],
      ["resource.replaced", "stack", "claims2", "action claims is renamed claims2"],
    ]);
    expect(found[2]!.text).toContain("(a new action id, deployed and bound again)");
  });

  it("another identity, a kept key, a grant, or the promotion view: no replacement", async () => {
    const base = revision(
      res(CLIENT, "svc", { name: "Svc" }),
      res(CLIENT, "kept", { name: "Kept" }),
      res("auth0:index/clientGrant:ClientGrant", "svc/o", {}),
    );
    const head = revision(
      res(CLIENT, "other", { name: "Other" }),
      res(CLIENT, "kept", { name: "Kept" }),
      res("auth0:index/clientGrant:ClientGrant", "other/o", {}),
    );
    expect(await replacements.detect(ctx(base, head))).toEqual([]);
    const renamed = revision(res(CLIENT, "svc2", { name: "Svc" }));
    expect(await replacements.detect(ctx(revision(res(CLIENT, "svc", { name: "Svc" })), renamed, { mode: "compare" }))).toEqual([]);
    expect(await replacements.detect(ctx(undefined, renamed))).toEqual([]);
  });
});
