import { describe, expect, it } from "vitest";
import { KINDS } from "../../src/kinds";
import type { LiveTenant } from "../../src/kinds/live";
import type { PlanView } from "../../src/kinds/vocabulary";
import { importTenant } from "../../src/live/import";
import { driftFindings } from "../../src/live/drift";
import { RESOURCE_TYPES } from "../../src/model";
import { desiredState, tenantModel } from "../../src/tenant/model";
import type { Plan } from "../../src/plan";
import { riskOf } from "../../src/review/risk";
import { validateTenant } from "../../src/tenant/load";

/** The roles kind end to end through the pure layers: spec, model, review, drift and import. */
const NOW = new Date("2026-11-22T12:00:00Z");
const apis = {
  "orders-api": {
    identifier: "https://orders.test",
    enforcePolicies: true,
    tokenDialect: "access_token_authz",
    scopes: { "orders:read": "Read", "orders:delete": "Delete" },
  },
};

async function planOf(roles: unknown, stack = "dev"): Promise<Plan> {
  const r = await validateTenant({ apis, roles }, { stack, now: NOW, readFile: async () => undefined });
  if (!r.spec) throw new Error(JSON.stringify(r.errors));
  const model = tenantModel(r.spec, {});
  return { project: "p", stack, spec: r.spec, model, desired: desiredState(model), warnings: [] };
}

const errorsOf = async (roles: unknown) =>
  (await validateTenant({ apis, roles }, { stack: "dev", now: NOW, readFile: async () => undefined })).errors.map(
    (e) => `${e.path}: ${e.message}`,
  );

describe("roles: spec", () => {
  it("each permission names a declared API and one of its scopes, with a did-you-mean naming the config path", async () => {
    expect(await errorsOf({ admins: { permissions: { "orders-apj": ["orders:read"] } } })).toEqual([
      'roles.admins.permissions.orders-apj: API "orders-apj" is not declared (did you mean "orders-api"? declared: orders-api)',
    ]);
    expect(await errorsOf({ admins: { permissions: { "orders-api": ["orders:red"] } } })).toEqual([
      'roles.admins.permissions.orders-api[0]: scope "orders:red" is not defined on API orders-api (did you mean "orders:read"? defined: orders:read, orders:delete)',
    ]);
    expect(await errorsOf({ admins: { permissions: { "orders-api": [] } } })).toEqual([
      "roles.admins.permissions.orders-api: list at least one scope (or leave the API out)",
    ]);
    expect(await errorsOf({ a: { name: "Same" }, b: { name: "Same" } })).toEqual([
      'roles.b.name: duplicate role name "Same" (already used at roles.a.name; must be unique)',
    ]);
    expect(await errorsOf({ admins: { description: "x".repeat(141) } })).toEqual(["roles.admins.description: at most 140 characters"]);
    expect(await errorsOf({ admins: { permissions: { "orders-api": ["orders:read"] } } })).toEqual([]);
  });

  it("an API's tokenDialect is one the provider allows", async () => {
    const r = await validateTenant(
      { apis: { a: { identifier: "https://a.test", tokenDialect: "jwt" } } },
      { stack: "dev", now: NOW, readFile: async () => undefined },
    );
    expect(r.errors.map((e) => e.path)).toEqual(["apis.a.tokenDialect"]);
    expect(r.errors[0]!.message).toContain("access_token, access_token_authz, rfc9068_profile, rfc9068_profile_authz");
  });
});

describe("roles: model", () => {
  it("one auth0.Role per role and one auth0.RolePermissions naming the API's identifier by reference", async () => {
    const plan = await planOf({ admins: { name: "Order admins", permissions: { "orders-api": ["orders:read", "orders:delete"] } } });
    const roles = plan.desired.resources.filter((r) => r.type === RESOURCE_TYPES.Role || r.type === RESOURCE_TYPES.RolePermissions);
    expect(roles.map((r) => [r.type, r.name])).toEqual([
      [RESOURCE_TYPES.Role, "admins"],
      [RESOURCE_TYPES.RolePermissions, "admins-permissions"],
    ]);
    expect(roles[0]!.inputs).toEqual({ name: "Order admins", description: "Managed by Pulumi" });
    expect(roles[1]!.inputs).toEqual({
      roleId: { $ref: { type: RESOURCE_TYPES.Role, name: "admins", output: "id" } },
      permissions: ["orders:delete", "orders:read"].map((name) => ({
        name,
        resourceServerIdentifier: { $ref: { type: RESOURCE_TYPES.ResourceServer, name: "orders-api", output: "identifier" } },
      })),
    });
    expect(plan.model.apis["orders-api"]!.resourceServer.inputs).toMatchObject({
      enforcePolicies: true,
      tokenDialect: "access_token_authz",
    });
  });
});

describe("roles: review", () => {
  it("a role gaining a permission is high in production, low elsewhere; losing one is reported too", async () => {
    for (const [stack, risk] of [
      ["prod", "high"],
      ["dev", "low"],
    ] as const) {
      const base = await planOf({ admins: { permissions: { "orders-api": ["orders:read"] } } }, stack);
      const head = await planOf({ admins: { permissions: { "orders-api": ["orders:delete"] } } }, stack);
      const found = await KINDS.role.review.detector.detect({ stack, base, head, now: NOW, sourceStats: new Map() });
      expect(found.map((f) => [f.kind, f.text, riskOf(f, stack)])).toEqual([
        ["role.permission-gained", "role admins gains orders:delete on orders-api", stack === "prod" ? "high" : "medium"],
        ["role.permission-lost", "role admins loses orders:read on orders-api", stack === "prod" ? "medium" : "low"],
      ]);
      const plain = await planOf({ admins: { permissions: { "orders-api": ["orders:read"] } } }, stack);
      const none = await planOf({ admins: {} }, stack);
      const gained = await KINDS.role.review.detector.detect({ stack, base: none, head: plain, now: NOW, sourceStats: new Map() });
      expect(gained.map((f) => riskOf(f, stack))).toEqual([risk]);
    }
  });
});

const live = (roles: LiveTenant["roles"]): LiveTenant => ({
  domain: "t.test",
  readerClientId: "reader",
  clients: [],
  apis: [
    {
      id: "rs_1",
      identifier: "https://orders.test",
      name: "orders-api",
      system: false,
      signingAlg: "RS256",
      tokenLifetime: 86400,
      tokenLifetimeForWeb: 7200,
      allowOfflineAccess: false,
      skipConsentForVerifiableFirstPartyClients: true,
      enforcePolicies: true,
      tokenDialect: "access_token_authz",
      scopes: [
        { name: "orders:read", description: "Read" },
        { name: "orders:delete", description: "Delete" },
      ],
    },
  ],
  grants: [],
  actions: [],
  bindings: {},
  roles,
});

describe("roles: drift", () => {
  it("compares each role's name, description and permissions, and reports roles the spec does not declare", async () => {
    const plan = await planOf({ admins: { description: "Admins", permissions: { "orders-api": ["orders:read"] } } });
    const tenant = live([
      { id: "rol_1", name: "admins", description: "Changed", permissions: [{ api: "https://orders.test", scope: "orders:delete" }] },
      { id: "rol_2", name: "Other", description: "", permissions: [] },
    ]);
    expect(driftFindings(plan, tenant).map((f) => `${f.kind} ${f.text} ${riskOf(f, "prod")}`)).toEqual([
      'role.setting-changed role admins: description is "Changed" in the tenant (the spec says "Admins") medium',
      "role.permission-gained role admins holds orders:delete on orders-api in the tenant (not in the spec) high",
      "role.permission-lost role admins lost orders:read on orders-api in the tenant high",
      "role.added role Other (rol_2) is not managed by this stack medium",
    ]);
    // The tenant's identifiers and scopes may hold spaces: each permission is named whole.
    const spaced = live([
      {
        id: "rol_1",
        name: "admins",
        description: "Admins",
        permissions: [
          { api: "https://x.test/a b", scope: "c d" },
          { api: "https://orders.test", scope: "orders:read" },
        ],
      },
    ]);
    expect(driftFindings(plan, spaced).map((f) => [f.kind, f.scope, f.text])).toEqual([
      ["role.permission-gained", "c d", "role admins holds c d on https://x.test/a b in the tenant (not in the spec)"],
    ]);
    expect(driftFindings(plan, live([])).map((f) => `${f.kind} ${f.text}`)).toEqual([
      "role.removed role admins (admins) is not in the tenant (deleted by hand?)",
    ]);
  });
});

describe("roles: import", () => {
  it("live roles become spec entries with their adopt ids, and the spec plans back to the same permissions", async () => {
    const tenant = live([
      { id: "rol_1", name: "Order admins", description: "", permissions: [{ api: "https://orders.test", scope: "orders:read" }] },
      { id: "rol_2", name: "Elsewhere", description: "", permissions: [{ api: "https://other.test", scope: "x" }] },
    ]);
    const result = importTenant(tenant, { stack: "dev", project: "p", domain: "t.test", keys: [], now: NOW });
    expect(result.tenant.roles).toEqual({
      "order-admins": { name: "Order admins", description: "", permissions: { "orders-api": ["orders:read"] } },
    });
    expect(result.tenant.adopt).toMatchObject({ "role/order-admins": "rol_1", "rolePermissions/order-admins-permissions": "rol_1" });
    expect(result.skipped.map((s) => s.subject)).toContain("role Elsewhere");
    const back = await validateTenant(result.tenant, { stack: "dev", now: NOW, readFile: async () => undefined });
    expect(back.errors).toEqual([]);
    expect(back.spec!.roles!["order-admins"]!.permissions).toEqual({ "orders-api": ["orders:read"] });
    expect(back.spec!.apis["orders-api"]).toMatchObject({ enforcePolicies: true, tokenDialect: "access_token_authz" });
  });
});
