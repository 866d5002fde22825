import { TenantStore } from "@auth0-tenant/management-api-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCE_TYPES, ref, type DesiredResource, type ResourceType } from "../../src/model";
import type { Plan } from "../../src/plan";
import { ROLE_TYPES, seedStore } from "../../src/local-tenant/management/seed";
import { inspectPublicKey, type PublicKeyInfo } from "../../src/spec/public-key";
import { validTenant } from "../support/temp-project";
import { liveFixture, readFailure, type LiveFixture } from "./support";

// Roles end to end on the local tenant: the reader's roles() and rolePermissions() through the official SDK,
// validated at the edge and bounded like the other reads; and the seed adapter building roles from a plan's
// auth0.Role and auth0.RolePermissions resources.

let f: LiveFixture;
let api: { identifier: string; scopes: string[] };
beforeAll(async () => {
  f = await liveFixture({ stack: "dev", config: { "auth0:domain": "acme-dev.eu.auth0.com", "auth0-tenant:tenant": validTenant() } });
  const rs = [...f.tenant.management.store.resourceServers.values()].find((r) => !r.is_system && (r.scopes ?? []).length >= 2)!;
  api = { identifier: rs.identifier, scopes: rs.scopes!.map((s) => s.value) };
});
afterAll(() => f?.close());

const failure = readFailure;

describe("the reader's roles", () => {
  it("pages through every role and a role's permissions, one call per page", async () => {
    const roles = f.tenant.management.store.roles;
    for (let i = 0; i < 5; i++) roles.create({ name: `Reader role ${i}`, ...(i % 2 ? { description: `Role ${i}` } : {}) });
    const admin = roles.create({ name: "Order admins", description: "Can manage orders" });
    roles.addPermissions(admin.id, {
      permissions: api.scopes.map((s) => ({ resource_server_identifier: api.identifier, permission_name: s })),
    });
    const reader = f.reader({ perPage: 2 });
    const read = await reader.roles();
    expect(read).toHaveLength(6);
    expect(read.find((r) => r.name === "Reader role 0")).toEqual({
      id: expect.stringMatching(/^rol_/),
      name: "Reader role 0",
      description: undefined,
    });
    expect(read.find((r) => r.name === "Order admins")?.description).toBe("Can manage orders");
    const permissions = await reader.rolePermissions(admin.id);
    expect(permissions.map((p) => [p.resource_server_identifier, p.permission_name])).toEqual(api.scopes.map((s) => [api.identifier, s]));
    expect(permissions[0]!.resource_server_name).toBeDefined();
    reader.done();
    // The SDK's offset pager asks once more past a full last page.
    expect(reader.stats.byEndpoint["GET /api/v2/roles"]).toBe(Math.ceil(6 / 2) + 1);
    expect(reader.stats.byEndpoint["GET /api/v2/roles/{id}/permissions"]).toBeLessThanOrEqual(Math.ceil(api.scopes.length / 2) + 1);
  });

  it("a role of the wrong shape ends the read naming the endpoint, the record and the field; nothing else is read", async () => {
    const roles = f.tenant.management.store.roles;
    roles.set("../../etc", { id: "../../etc", name: "Escape" });
    try {
      const e = await failure(f.reader().roles());
      expect(e.message).toMatch(/^GET \/api\/v2\/roles: record \d+ \(\.\.\/\.\.\/etc\): id: expected an id/);
    } finally {
      roles.delete("../../etc");
    }
    const long = roles.create({ name: "Long permission" });
    roles.addPermissions(long.id, { permissions: [{ resource_server_identifier: api.identifier, permission_name: api.scopes[0]! }] });
    const rs = f.tenant.management.store.resourceServers.byIdentifier(api.identifier)!;
    const name = rs.name;
    rs.name = "x".repeat(5000);
    try {
      const e = await failure(f.reader().rolePermissions(long.id));
      expect(e.message).toContain("GET /api/v2/roles/{id}/permissions: record 0: resource_server_name: expected at most 4096 characters");
    } finally {
      rs.name = name;
    }
  });

  it("is bounded like the other lists: a tenant that keeps answering pages stops at the page limit", async () => {
    const e = await failure(f.reader({ perPage: 1, limits: { maxPages: 3 } }).roles());
    expect(e.message).toContain("GET /api/v2/roles still had more after 3 pages");
  });
});

describe("the seed adapter builds roles from the plan", () => {
  it("an auth0.Role and its auth0.RolePermissions (roleId a ref to the role's id) seed the role with its permissions", async () => {
    const plan = f.tenant.plan;
    const apiResource = plan.desired.resources.find(
      (r) => r.type === RESOURCE_TYPES.ResourceServer && (r.inputs as { identifier: string }).identifier === api.identifier,
    )!;
    const parent = apiResource.parent;
    const resource = (type: string, name: string, inputs: object): DesiredResource =>
      ({ type: type as ResourceType, name, parent, inputs, protect: false, dependsOn: [], secretPaths: [] }) as unknown as DesiredResource;
    const withRoles = {
      ...plan,
      desired: {
        ...plan.desired,
        resources: [
          ...plan.desired.resources,
          resource(ROLE_TYPES.Role, "order-admins", { name: "Order admins", description: "Can manage orders" }),
          resource(ROLE_TYPES.Role, "auditors", { name: "auditors" }),
          resource(ROLE_TYPES.RolePermissions, "order-admins-permissions", {
            roleId: ref(ROLE_TYPES.Role as ResourceType, "order-admins", "id"),
            permissions: [
              { name: api.scopes[1], resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, apiResource.name, "identifier") },
            ],
          }),
        ],
      },
    } as Plan;
    const store = new TenantStore<PublicKeyInfo>({ domain: plan.domain!, inspectKey: inspectPublicKey });
    seedStore(withRoles, store);
    const seeded = [...store.roles.values()];
    expect(seeded.map((r) => [r.name, r.description])).toEqual([
      ["Order admins", "Can manage orders"],
      ["auditors", undefined],
    ]);
    expect(store.roles.permissionsOf(seeded[0]!.id)).toEqual([
      { resource_server_identifier: api.identifier, permission_name: api.scopes[1] },
    ]);
    expect(store.roles.permissionsOf(seeded[1]!.id)).toEqual([]);
    // The same plan seeds the same ids on every start.
    const again = new TenantStore<PublicKeyInfo>({ domain: plan.domain!, inspectKey: inspectPublicKey });
    seedStore(withRoles, again);
    expect([...again.roles.keys()]).toEqual([...store.roles.keys()]);
  });
});
