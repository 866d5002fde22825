import { conflict, payloadError, resourceServerNotFound, roleNotFound } from "../errors";
import type { Route } from "../http";
import { newId } from "../ids";
import { offsetPage, offsetParams } from "../paging";
import type { TenantStore } from "../store";
import { checkBody, jsonType, type FieldType } from "../validate";
import type * as Wire from "../wire";

/**
 * Roles and their permissions (`/roles`, `/roles/{id}/permissions`). Shapes and statuses are those recorded by
 * terraform-provider-auth0 v1.53.0 (TestAccRole.yaml, TestAccRolePermissions.yaml, TestAccDataSourceRole.yaml):
 * POST /roles and DELETE /roles/{id} answer 200 (`{}` for the delete), POST .../permissions 201 `{}`, DELETE
 * .../permissions 204; a role without a description reads `"description": null`; lists page by offset.
 */

export type RoleRecord = Wire.RoleAnswer & { name: string; description?: string };

/** A permission as stored: one scope of one API; its wire form adds the API's name and the scope's description. */
export interface RolePermission {
  resource_server_identifier: string;
  permission_name: string;
}

const ROLE_FIELDS: Record<string, FieldType> = { name: "string", description: "string" };

/** Roles by id, with each role's permissions. */
export class Roles extends Map<string, RoleRecord> {
  private readonly permissions = new Map<string, RolePermission[]>();

  constructor(private readonly store: TenantStore) {
    super();
  }

  require(id: string): RoleRecord {
    const r = this.get(id);
    if (!r) throw roleNotFound();
    return r;
  }

  add(record: RoleRecord): RoleRecord {
    // Not recorded: Auth0 keeps role names unique per tenant; the wording is ours.
    if ([...this.values()].some((r) => r.name === record.name && r.id !== record.id))
      throw conflict(`A role with the name "${record.name}" already exists`);
    this.set(record.id, record);
    return record;
  }

  create(body: unknown, options: { id?: string } = {}): RoleRecord {
    const b = checkBody(body, ROLE_FIELDS, { required: ["name"] });
    checkName(b.name);
    return this.add({
      id: options.id ?? newId("role"),
      name: b.name as string,
      ...(b.description !== undefined ? { description: b.description as string } : {}),
    });
  }

  update(id: string, body: unknown): RoleRecord {
    const record = this.require(id);
    const b = checkBody(body, ROLE_FIELDS, { nullable: true });
    if (b.name !== undefined) checkName(b.name);
    const next: RoleRecord = { ...record };
    if (typeof b.name === "string") next.name = b.name;
    if (b.description === null) delete next.description;
    else if (typeof b.description === "string") next.description = b.description;
    return this.add(next);
  }

  remove(id: string): void {
    this.require(id);
    this.delete(id);
    this.permissions.delete(id);
  }

  permissionsOf(id: string): RolePermission[] {
    this.require(id);
    return this.permissions.get(id) ?? [];
  }

  /** POST .../permissions: each names an API and one of its scopes; one already held is kept once. */
  addPermissions(id: string, body: unknown): void {
    const current = this.permissionsOf(id);
    const added = this.checkPermissions(body);
    const key = (p: RolePermission) => `${p.resource_server_identifier}\0${p.permission_name}`;
    const held = new Set(current.map(key));
    this.permissions.set(id, [...current, ...added.filter((p) => !held.has(key(p)) && held.add(key(p)))]);
  }

  /** DELETE .../permissions: those named are removed (one the role does not hold is no error). */
  removePermissions(id: string, body: unknown): void {
    const current = this.permissionsOf(id);
    const removed = new Set(this.checkPermissions(body).map((p) => `${p.resource_server_identifier}\0${p.permission_name}`));
    this.permissions.set(
      id,
      current.filter((p) => !removed.has(`${p.resource_server_identifier}\0${p.permission_name}`)),
    );
  }

  /** Permissions on an API that is deleted go with it. */
  forgetApi(identifier: string): void {
    for (const [id, list] of this.permissions)
      this.permissions.set(
        id,
        list.filter((p) => p.resource_server_identifier !== identifier),
      );
  }

  private checkPermissions(body: unknown): RolePermission[] {
    const b = checkBody(body, { permissions: "array" }, { required: ["permissions"] });
    const list = b.permissions as unknown[];
    if (list.length === 0) throw payloadError("Array is too short (0), minimum 1", "permissions");
    return list.map((entry) => {
      const p = checkBody(
        entry,
        { resource_server_identifier: "string", permission_name: "string" },
        { required: ["resource_server_identifier", "permission_name"] },
      );
      const rs = this.store.resourceServers.byIdentifier(p.resource_server_identifier as string);
      // The resource server's own 404 (recorded for /resource-servers; not recorded for this endpoint).
      if (!rs) throw resourceServerNotFound();
      if (!(rs.scopes ?? []).some((s) => s.value === p.permission_name)) {
        // Not recorded; the wording is ours.
        throw payloadError(
          `Permission ${String(p.permission_name)} is not defined on the resource server ${rs.identifier} (its scopes: ${(rs.scopes ?? []).map((s) => s.value).join(", ") || "none"})`,
          "permissions",
        );
      }
      return { resource_server_identifier: rs.identifier, permission_name: p.permission_name as string };
    });
  }
}

function checkName(name: unknown) {
  if (jsonType(name) === "string" && (name as string).trim() === "") throw payloadError("String is too short (0 chars), minimum 1", "name");
}

/** Recorded: `description` is null when the role has none. */
export const roleView = (r: RoleRecord) => ({ id: r.id, name: r.name, description: r.description ?? null });

/** Recorded order: permission_name, description, resource_server_name, resource_server_identifier. */
export function rolePermissionView(store: TenantStore, p: RolePermission) {
  const rs = store.resourceServers.byIdentifier(p.resource_server_identifier);
  const description = rs?.scopes?.find((s) => s.value === p.permission_name)?.description;
  return {
    permission_name: p.permission_name,
    ...(description !== undefined ? { description } : {}),
    ...(rs?.name !== undefined ? { resource_server_name: rs.name } : {}),
    resource_server_identifier: p.resource_server_identifier,
  };
}

export function roleRoutes(route: Route, store: TenantStore): void {
  route("GET", "/roles", ["read:roles"], ["page", "per_page", "include_totals", "name_filter"], ({ query }) => {
    const filter = query.get("name_filter");
    const items = [...store.roles.values()]
      .filter((r) => filter === null || r.name.toLowerCase().includes(filter.toLowerCase()))
      .map(roleView);
    return { status: 200, body: offsetPage(items, "roles", offsetParams(query)) };
  });
  route("POST", "/roles", ["create:roles"], [], ({ json }) => ({ status: 200, body: roleView(store.roles.create(json())) }));
  route("GET", "/roles/:id", ["read:roles"], [], ({ ctx }) => ({ status: 200, body: roleView(store.roles.require(ctx.params.id!)) }));
  route("PATCH", "/roles/:id", ["update:roles"], [], ({ ctx, json }) => ({
    status: 200,
    body: roleView(store.roles.update(ctx.params.id!, json())),
  }));
  route("DELETE", "/roles/:id", ["delete:roles"], [], ({ ctx }) => {
    store.roles.remove(ctx.params.id!);
    return { status: 200, body: {} };
  });
  route("GET", "/roles/:id/permissions", ["read:roles"], ["page", "per_page", "include_totals"], ({ ctx, query }) => {
    const items = store.roles.permissionsOf(ctx.params.id!).map((p) => rolePermissionView(store, p));
    return { status: 200, body: offsetPage(items, "permissions", offsetParams(query)) };
  });
  // Adding and removing a role's permissions both change the role: Auth0 asks for update:roles, not create: or
  // delete:roles (auth0/docs articles/api/management/guides/roles/add-permissions-roles.md and
  // remove-role-permissions.md; https://auth0.com/docs/api/management/v2/roles/post-role-permission-assignment and
  // .../delete-role-permission-assignment).
  route("POST", "/roles/:id/permissions", ["update:roles"], [], ({ ctx, json }) => {
    store.roles.addPermissions(ctx.params.id!, json());
    return { status: 201, body: {} };
  });
  route("DELETE", "/roles/:id/permissions", ["update:roles"], [], ({ ctx, json }) => {
    store.roles.removePermissions(ctx.params.id!, json());
    return { status: 204 };
  });
}
