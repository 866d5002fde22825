import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../src/model";
import {
  emptyTenant as tenant,
  ProviderDouble,
  registration as reg,
  ROLE_TYPES,
  type LiveTenant,
  type Registration,
} from "./support/provider-double";

// The provider double's rules for the roles kind (auth0.Role, auth0.RolePermissions) and the RBAC settings of an API
// (enforcePolicies, tokenDialect), written against the double with the inputs the roles contract gives the model.
// Each rule names its source in test/support/provider-double.ts (terraform-provider-auth0 v1.53.0, pulumi-auth0
// v3.49.0, pulumi-terraform-bridge v3.133.0).

const R = ROLE_TYPES;
const API = "https://orders.example.com";
const perm = (name: string, resourceServerIdentifier = API) => ({ name, resourceServerIdentifier });
const permissions = (...names: string[]) =>
  reg(R.RolePermissions, "order-admins-permissions", { roleId: "rol_1", permissions: names.map((n) => perm(n)) });
/** The stack's own API and scopes, declared before the role as the model declares them. */
const ordersApi = [
  reg(RESOURCE_TYPES.ResourceServer, "orders", { identifier: API, name: "Orders API" }),
  reg(RESOURCE_TYPES.ResourceServerScopes, "orders-scopes", {
    resourceServerIdentifier: API,
    scopes: [
      { name: "orders:read", description: "Read orders" },
      { name: "orders:delete", description: "Delete orders" },
      { name: "orders:write", description: "Write orders" },
    ],
  }),
];
const refused = (type: string, inputs: Record<string, any>) => () => new ProviderDouble().register(type, "x", inputs);

describe("auth0.Role", () => {
  it("a role without a name is auto-named <logical name>-<7 hex> by the bridge, not refused, and keeps that name", () => {
    const provider = new ProviderDouble();
    const run = [reg(R.Role, "order-admins", { description: "Can manage orders" })];
    expect(provider.register(R.Role, "order-admins", run[0]!.inputs).name).toMatch(/^order-admins-[0-9a-f]{7}$/);
    provider.apply(run);
    expect(provider.state.get(`${R.Role}::order-admins`)!.state.name).toMatch(/^order-admins-[0-9a-f]{7}$/);
    expect(provider.plan(run)).toEqual([]);
  });

  it("a name that is not a string is refused", () => {
    expect(refused(R.Role, { name: 42 })).toThrow("name: a string");
  });

  it("a description left out is sent as the bridge's default 'Managed by Pulumi', and stored so", () => {
    const provider = new ProviderDouble();
    provider.apply([reg(R.Role, "order-admins", { name: "Order admins" })]);
    expect(provider.state.get(`${R.Role}::order-admins`)!.state).toEqual({ name: "Order admins", description: "Managed by Pulumi" });
  });

  it("importing a role Auth0 holds without a description: leaving it out is a difference, an empty one is not", () => {
    const live = tenant({
      read: (type, id) => (type === R.Role && id === "rol_1" ? { name: "Order admins", description: "" } : undefined),
    });
    const provider = new ProviderDouble({ live });
    const adopt = (inputs: Record<string, any>) => [reg(R.Role, "order-admins", inputs, { importId: "rol_1" })];
    expect(provider.plan(adopt({ name: "Order admins" }))).toEqual([
      { address: `${R.Role}::order-admins`, op: "import", paths: ["description"] },
    ]);
    expect(provider.plan(adopt({ name: "Order admins", description: "" }))).toEqual([
      { address: `${R.Role}::order-admins`, op: "import", paths: [] },
    ]);
  });

  it("renaming a role or changing its description is an update in place (nothing is ForceNew)", () => {
    const provider = new ProviderDouble();
    provider.apply([reg(R.Role, "order-admins", { name: "Order admins", description: "a" })]);
    expect(provider.plan([reg(R.Role, "order-admins", { name: "Order managers", description: "b" })])).toEqual([
      { address: `${R.Role}::order-admins`, op: "update", paths: ["name", "description"] },
    ]);
  });
});

describe("auth0.RolePermissions", () => {
  it("refuses what the provider refuses: no roleId, no permissions, a permission without name or API", () => {
    expect(refused(R.RolePermissions, { permissions: [perm("orders:read")] })).toThrow("roleId: required");
    expect(refused(R.RolePermissions, { roleId: "rol_1", permissions: [] })).toThrow("permissions: at least 1 item");
    expect(refused(R.RolePermissions, { roleId: "rol_1" })).toThrow("permissions: at least 1 item");
    expect(refused(R.RolePermissions, { roleId: "rol_1", permissions: [{ resourceServerIdentifier: API }] })).toThrow(
      "permissions[0].name: required",
    );
    expect(refused(R.RolePermissions, { roleId: "rol_1", permissions: [{ name: "orders:read" }] })).toThrow(
      "permissions[0].resourceServerIdentifier: required",
    );
  });

  it("refuses a description or API name in the program: they are computed by the provider", () => {
    for (const field of ["description", "resourceServerName"])
      expect(refused(R.RolePermissions, { roleId: "rol_1", permissions: [{ ...perm("orders:read"), [field]: "x" }] })).toThrow(
        `permissions[0].${field}: this field cannot be set`,
      );
  });

  it("stores each permission with its scope's description and its API's name, and a second run changes nothing", () => {
    const provider = new ProviderDouble();
    const run = [...ordersApi, permissions("orders:read", "orders:delete")];
    provider.apply(run);
    expect(provider.state.get(`${R.RolePermissions}::order-admins-permissions`)!.state.permissions).toEqual([
      { ...perm("orders:read"), description: "Read orders", resourceServerName: "Orders API" },
      { ...perm("orders:delete"), description: "Delete orders", resourceServerName: "Orders API" },
    ]);
    expect(provider.plan(run)).toEqual([]);
  });

  it("permissions are a set: reordering or repeating one is no difference", () => {
    const provider = new ProviderDouble();
    provider.apply([...ordersApi, permissions("orders:read", "orders:delete")]);
    expect(provider.plan([...ordersApi, permissions("orders:delete", "orders:read")])).toEqual([]);
    expect(provider.plan([...ordersApi, permissions("orders:delete", "orders:read", "orders:read")])).toEqual([]);
  });

  it("a permission gained or lost is an update in place; the kept ones keep what was read", () => {
    const provider = new ProviderDouble();
    provider.apply([...ordersApi, permissions("orders:read")]);
    const grown = [...ordersApi, permissions("orders:read", "orders:write")];
    const address = `${R.RolePermissions}::order-admins-permissions`;
    expect(provider.plan(grown)).toEqual([{ address, op: "update", paths: ["permissions"] }]);
    provider.apply(grown);
    expect(provider.state.get(address)!.state.permissions.map((p: any) => p.description)).toEqual(["Read orders", "Write orders"]);
    expect(provider.plan([...ordersApi, permissions("orders:write")])).toEqual([{ address, op: "update", paths: ["permissions"] }]);
    // the same scope name on another API is another permission
    expect(
      provider.plan([
        ...ordersApi,
        reg(R.RolePermissions, "order-admins-permissions", {
          roleId: "rol_1",
          permissions: [perm("orders:read"), perm("orders:write", "https://billing.example.com")],
        }),
      ]),
    ).toEqual([{ address, op: "update", paths: ["permissions"] }]);
  });

  it("another roleId forces replacement", () => {
    const provider = new ProviderDouble();
    provider.apply([permissions("orders:read")]);
    const moved = reg(R.RolePermissions, "order-admins-permissions", { roleId: "rol_2", permissions: [perm("orders:read")] });
    expect(provider.plan([moved])).toEqual([
      { address: `${R.RolePermissions}::order-admins-permissions`, op: "replace", paths: ["roleId"] },
    ]);
  });

  it("an import reads descriptions and API names, which the program leaves out: a clean import", () => {
    const live = tenant({
      read: (type, id) =>
        type === R.RolePermissions && id === "rol_1"
          ? {
              roleId: "rol_1",
              permissions: [
                { ...perm("orders:delete"), description: "Delete orders", resourceServerName: "Orders API" },
                { ...perm("orders:read"), description: "Read orders", resourceServerName: "Orders API" },
              ],
            }
          : undefined,
    });
    const provider = new ProviderDouble({ engine: "legacy", live });
    const adopt = { ...permissions("orders:read", "orders:delete"), importId: "rol_1" };
    expect(provider.plan([adopt])).toEqual([{ address: `${R.RolePermissions}::order-admins-permissions`, op: "import", paths: [] }]);
    expect(provider.plan([{ ...permissions("orders:read"), importId: "rol_1" }])).toEqual([
      { address: `${R.RolePermissions}::order-admins-permissions`, op: "import", paths: ["permissions"] },
    ]);
  });

  it("a create on a role that already holds permissions keeps them: the next preview shows them as a difference", () => {
    const held = { ...perm("orders:delete"), description: "Delete orders", resourceServerName: "Orders API" };
    const live = tenant({
      read: (type, id) => (type === R.RolePermissions && id === "rol_1" ? { roleId: "rol_1", permissions: [held] } : undefined),
      apiScopes: (identifier) => (identifier === API ? [{ name: "orders:read", description: "Read orders" }] : []),
      apiName: (identifier) => (identifier === API ? "Orders API" : undefined),
    });
    const provider = new ProviderDouble({ live });
    const run = [permissions("orders:read")];
    expect(provider.plan(run)[0]).toMatchObject({ op: "create", note: "takes over the existing object (nothing is created)" });
    provider.apply(run);
    expect(provider.state.get(`${R.RolePermissions}::order-admins-permissions`)!.state.permissions).toEqual([
      held,
      { ...perm("orders:read"), description: "Read orders", resourceServerName: "Orders API" },
    ]);
    expect(provider.plan(run)).toEqual([
      { address: `${R.RolePermissions}::order-admins-permissions`, op: "update", paths: ["permissions"] },
    ]);
  });
});

describe("auth0.ResourceServer: enforcePolicies and tokenDialect", () => {
  const api = (more: Record<string, unknown> = {}) => reg(RESOURCE_TYPES.ResourceServer, "orders", { identifier: API, ...more });

  it("tokenDialect takes the provider's four values and refuses any other", () => {
    for (const tokenDialect of ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"])
      expect(new ProviderDouble().register(api().type, "orders", { identifier: API, tokenDialect }).tokenDialect).toBe(tokenDialect);
    expect(refused(RESOURCE_TYPES.ResourceServer, { identifier: API, tokenDialect: "jwt" })).toThrow(
      'tokenDialect: expected one of access_token, access_token_authz, rfc9068_profile, rfc9068_profile_authz, got "jwt"',
    );
  });

  it("tokenDialect in another case passes the provider's check but not Auth0's spelling: refused", () => {
    expect(refused(RESOURCE_TYPES.ResourceServer, { identifier: API, tokenDialect: "RFC9068_profile" })).toThrow(
      'tokenDialect: Auth0 spells it rfc9068_profile, got "RFC9068_profile"',
    );
  });

  it("enforcePolicies must be a boolean", () => {
    expect(refused(RESOURCE_TYPES.ResourceServer, { identifier: API, enforcePolicies: "true" })).toThrow("enforcePolicies: a boolean");
  });

  it("left out, both read back as Auth0 answers (false, empty) and stay no difference: Optional+Computed", () => {
    const provider = new ProviderDouble();
    provider.apply([api()]);
    expect(provider.state.get(`${RESOURCE_TYPES.ResourceServer}::orders`)!.state).toMatchObject({
      enforcePolicies: false,
      tokenDialect: "",
    });
    expect(provider.plan([api()])).toEqual([]);
    provider.apply([api({ enforcePolicies: true, tokenDialect: "access_token_authz" })]);
    expect(provider.plan([api()])).toEqual([]);
  });

  it("turning RBAC on or changing the dialect is an update in place", () => {
    const provider = new ProviderDouble();
    provider.apply([api()]);
    expect(provider.plan([api({ enforcePolicies: true, tokenDialect: "access_token_authz" })])).toEqual([
      { address: `${RESOURCE_TYPES.ResourceServer}::orders`, op: "update", paths: ["enforcePolicies", "tokenDialect"] },
    ]);
  });
});
