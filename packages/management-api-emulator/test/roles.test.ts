import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostedApi, call as callWithHeaders } from "./host";

const call = async (...args: Parameters<typeof callWithHeaders>) => {
  const { status, body } = await callWithHeaders(...args);
  return { status, body };
};

// Roles as Auth0 answers them (terraform-provider-auth0 v1.53.0 recordings TestAccRole, TestAccRolePermissions,
// TestAccDataSourceRole): statuses, bodies, offset paging, and the errors for an unknown role, API or scope.

let h: Awaited<ReturnType<typeof hostedApi>>;
const API = "https://orders.example.com/";
beforeAll(async () => {
  h = await hostedApi();
  h.api.store.resourceServers.create({
    identifier: API,
    name: "Orders",
    scopes: [
      { value: "orders:read", description: "Read orders" },
      { value: "orders:delete", description: "Delete orders" },
    ],
  });
});
afterAll(() => h?.close());

describe("roles", () => {
  it("create answers 200 with description null, get, patch, delete answers 200 {}, then Auth0's 404", async () => {
    const created = await call(h.url, "POST", "/roles", { body: { name: "Order readers" } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ id: expect.stringMatching(/^rol_[A-Za-z0-9]{16}$/), name: "Order readers", description: null });
    const id = created.body.id as string;
    expect((await call(h.url, "GET", `/roles/${id}`)).body).toEqual(created.body);
    const patched = await call(h.url, "PATCH", `/roles/${id}`, { body: { description: "Reads orders" } });
    expect(patched).toEqual({ status: 200, body: { id, name: "Order readers", description: "Reads orders" } });
    expect(await call(h.url, "DELETE", `/roles/${id}`)).toEqual({ status: 200, body: {} });
    expect(await call(h.url, "GET", `/roles/${id}`)).toEqual({
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "The role does not exist", errorCode: "inexistent_role" },
    });
  });

  it("a name is required, unknown properties are refused, and a second role of the same name is a 409", async () => {
    expect((await call(h.url, "POST", "/roles", { body: { description: "x" } })).body.message).toBe(
      "Payload validation error: 'Missing required property: name'.",
    );
    expect((await call(h.url, "POST", "/roles", { body: { name: "x", color: "red" } })).body.message).toBe(
      "Payload validation error: 'Additional properties not allowed: color'.",
    );
    await call(h.url, "POST", "/roles", { body: { name: "Twin" } });
    expect((await call(h.url, "POST", "/roles", { body: { name: "Twin" } })).status).toBe(409);
  });

  it("lists page by offset: a bare array, or {roles, start, limit, total} with include_totals; name_filter", async () => {
    for (let i = 0; i < 5; i++) await call(h.url, "POST", "/roles", { body: { name: `Paged ${i}` } });
    const all = (await call(h.url, "GET", "/roles?per_page=100")).body as { name: string }[];
    expect(Array.isArray(all)).toBe(true);
    const page = await call(h.url, "GET", "/roles?include_totals=true&page=1&per_page=2&name_filter=paged");
    expect(page.body).toMatchObject({ start: 2, limit: 2, total: 5, roles: [{ name: "Paged 2" }, { name: "Paged 3" }] });
    expect((await call(h.url, "GET", "/roles?per_page=101")).status).toBe(400);
  });

  it("permissions: added (201 {}), listed with the API's name and the scope's description, removed (204)", async () => {
    const id = (await call(h.url, "POST", "/roles", { body: { name: "Order admins", description: "Admins" } })).body.id as string;
    const both = [
      { resource_server_identifier: API, permission_name: "orders:read" },
      { resource_server_identifier: API, permission_name: "orders:delete" },
    ];
    expect(await call(h.url, "POST", `/roles/${id}/permissions`, { body: { permissions: both } })).toEqual({ status: 201, body: {} });
    // Adding one already held keeps it once.
    await call(h.url, "POST", `/roles/${id}/permissions`, { body: { permissions: both.slice(0, 1) } });
    const listed = await call(h.url, "GET", `/roles/${id}/permissions?include_totals=true&page=0&per_page=100`);
    expect(listed.body).toEqual({
      permissions: [
        { permission_name: "orders:read", description: "Read orders", resource_server_name: "Orders", resource_server_identifier: API },
        { permission_name: "orders:delete", description: "Delete orders", resource_server_name: "Orders", resource_server_identifier: API },
      ],
      start: 0,
      limit: 100,
      total: 2,
    });
    expect(await call(h.url, "DELETE", `/roles/${id}/permissions`, { body: { permissions: both.slice(1) } })).toEqual({
      status: 204,
      body: undefined,
    });
    expect((await call(h.url, "GET", `/roles/${id}/permissions`)).body).toHaveLength(1);
    // An API that is deleted takes the roles' permissions on it along.
    h.api.store.resourceServers.create({ identifier: "https://gone.example.com/", scopes: [{ value: "x:y" }] });
    await call(h.url, "POST", `/roles/${id}/permissions`, {
      body: { permissions: [{ resource_server_identifier: "https://gone.example.com/", permission_name: "x:y" }] },
    });
    h.api.store.resourceServers.remove("https://gone.example.com/");
    expect((await call(h.url, "GET", `/roles/${id}/permissions`)).body).toEqual([
      { permission_name: "orders:read", description: "Read orders", resource_server_name: "Orders", resource_server_identifier: API },
    ]);
  });

  it("an unknown role, API or scope is Auth0's 404 or a 400 naming the scope; nothing is added half-way", async () => {
    const id = (await call(h.url, "POST", "/roles", { body: { name: "Strict" } })).body.id as string;
    const read = { resource_server_identifier: API, permission_name: "orders:read" };
    expect((await call(h.url, "POST", "/roles/rol_nope/permissions", { body: { permissions: [read] } })).body.errorCode).toBe(
      "inexistent_role",
    );
    const unknownApi = await call(h.url, "POST", `/roles/${id}/permissions`, {
      body: { permissions: [read, { resource_server_identifier: "https://nope.example.com/", permission_name: "a:b" }] },
    });
    expect(unknownApi).toEqual({
      status: 404,
      body: { statusCode: 404, error: "Not Found", message: "The resource server does not exist", errorCode: "inexistent_resource_server" },
    });
    const unknownScope = await call(h.url, "POST", `/roles/${id}/permissions`, {
      body: { permissions: [read, { resource_server_identifier: API, permission_name: "orders:purge" }] },
    });
    expect(unknownScope.status).toBe(400);
    expect(unknownScope.body.message).toContain(
      "Permission orders:purge is not defined on the resource server https://orders.example.com/",
    );
    expect((await call(h.url, "GET", `/roles/${id}/permissions`)).body).toEqual([]);
    expect((await call(h.url, "POST", `/roles/${id}/permissions`, { body: { permissions: [] } })).status).toBe(400);
  });

  it("each endpoint takes its scope: read, create, update or delete:roles; a role's permissions update:roles", async () => {
    const id = (await call(h.url, "POST", "/roles", { body: { name: "Scoped" } })).body.id as string;
    const refused = async (method: string, path: string, scope: string, body?: unknown) =>
      expect((await call(h.url, method, path, { scopes: "read:clients", ...(body ? { body } : {}) })).body).toEqual({
        statusCode: 403,
        error: "Forbidden",
        message: `Insufficient scope, expected any of: ${scope}`,
        errorCode: "insufficient_scope",
      });
    await refused("GET", "/roles", "read:roles");
    await refused("GET", `/roles/${id}/permissions`, "read:roles");
    await refused("POST", "/roles", "create:roles", { name: "x" });
    await refused("PATCH", `/roles/${id}`, "update:roles", { name: "x" });
    await refused("DELETE", `/roles/${id}`, "delete:roles");
    // A role's permissions are the role's: changing them takes update:roles, and create: or delete:roles will not do.
    const permission = { permissions: [{ resource_server_identifier: API, permission_name: "orders:read" }] };
    await refused("POST", `/roles/${id}/permissions`, "update:roles", permission);
    await refused("DELETE", `/roles/${id}/permissions`, "update:roles", permission);
    for (const method of ["POST", "DELETE"]) {
      const other = await call(h.url, method, `/roles/${id}/permissions`, { body: permission, scopes: "create:roles delete:roles" });
      expect(other.status, method).toBe(403);
    }
    expect(
      h.api.endpoints.filter((e) => e.path.startsWith("/api/v2/roles")).map((e) => `${e.method} ${e.path} ${e.scopes.join()}`),
    ).toEqual([
      "GET /api/v2/roles read:roles",
      "POST /api/v2/roles create:roles",
      "GET /api/v2/roles/:id read:roles",
      "PATCH /api/v2/roles/:id update:roles",
      "DELETE /api/v2/roles/:id delete:roles",
      "GET /api/v2/roles/:id/permissions read:roles",
      "POST /api/v2/roles/:id/permissions update:roles",
      "DELETE /api/v2/roles/:id/permissions update:roles",
    ]);
  });
});

describe("resource servers' enforce_policies and token_dialect", () => {
  it("are kept and answered; a token dialect the provider does not allow is refused", async () => {
    const created = await call(h.url, "POST", "/resource-servers", {
      body: { identifier: "https://rbac.example.com/", enforce_policies: true, token_dialect: "access_token_authz" },
    });
    expect(created.body).toMatchObject({ enforce_policies: true, token_dialect: "access_token_authz" });
    const bad = await call(h.url, "PATCH", "/resource-servers/https%3A%2F%2Frbac.example.com%2F", { body: { token_dialect: "jwt" } });
    expect(bad).toMatchObject({
      status: 400,
      body: { message: `Payload validation error: 'No enum match for: "jwt"' on property token_dialect.` },
    });
  });
});
