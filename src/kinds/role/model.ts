import type * as auth0 from "@pulumi/auth0";
import { dict } from "../../dict";
import type { KindModel, ModelInput } from "../kind-model";
import type { RoleSpec } from "./spec";
import {
  child,
  COMPONENT_TYPES,
  DEFAULT_DESCRIPTION,
  ref,
  RESOURCE_TYPES,
  rolePermissionsName,
  type ComponentAddress,
  type DesiredResource,
  type Ref,
} from "../../model/desired";

export interface RoleModel {
  kind: "role";
  key: string;
  component: ComponentAddress;
  role: DesiredResource<typeof RESOURCE_TYPES.Role, auth0.RoleArgs & { name: string }>;
  /**
   * All of the role's permissions in one resource; absent for a role without any: `permissions` is a Required set
   * (terraform-provider-auth0 v1.53.0 internal/auth0/role/resource_permissions.go), as for an API without scopes.
   */
  permissions?: DesiredResource<
    typeof RESOURCE_TYPES.RolePermissions,
    { roleId: Ref; permissions: { name: string; resourceServerIdentifier: Ref }[] }
  >;
}

export { rolePermissionsName } from "../../model/desired";

export function roleModel(role: RoleSpec, protect: boolean): RoleModel {
  const component = { type: COMPONENT_TYPES.Role, name: role.key };
  const permissions = Object.entries(role.permissions).flatMap(([apiKey, scopes]) =>
    [...scopes].sort().map((name) => ({ name, resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, apiKey, "identifier") })),
  );
  const apis = Object.keys(role.permissions);
  return {
    kind: "role",
    key: role.key,
    component,
    role: child(RESOURCE_TYPES.Role, role.key, component, protect, {
      name: role.name,
      description: role.description ?? DEFAULT_DESCRIPTION,
    }),
    ...(permissions.length > 0
      ? {
          permissions: child(
            RESOURCE_TYPES.RolePermissions,
            rolePermissionsName(role.key),
            component,
            protect,
            { roleId: ref(RESOURCE_TYPES.Role, role.key, "id"), permissions },
            // The permissions name scopes that must exist first.
            apis.map((api) => ({ type: RESOURCE_TYPES.ResourceServerScopes, name: api })),
          ),
        }
      : {}),
  };
}

/** Roles with their permissions (declared after everything else, so no existing resource moves). */
export const roleKindModel = {
  build: (spec: { roles?: Record<string, RoleSpec> }, { protect }: ModelInput) => ({
    roles: dict(Object.values(spec.roles ?? {}).map((r) => [r.key, roleModel(r, protect)])),
  }),
  components: (m) => Object.values(m.roles),
  resources: (c) => [c.role, ...(c.permissions ? [c.permissions] : [])],
} satisfies KindModel<RoleModel, { roles: Record<string, RoleModel> }>;
