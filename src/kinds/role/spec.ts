import { z } from "zod";
import { dict, toDict } from "../../dict";
import { checkScopeRefs, checkUnique } from "../../spec/cross-checks";
import { keyedEntries, parseAt } from "../../spec/parse";
import { displayName, resourceKey, scopeName } from "../../spec/schema";
import { strictObject } from "../../spec/strict";
import type { KindSpec } from "../kind-spec";
import { declaredScopes, type ApiSpec } from "../api/spec";

/**
 * A role: a named set of API permissions (scopes) that users are given. The provider validates nothing beyond `name`
 * being required (terraform-provider-auth0 v1.53.0 internal/auth0/role/resource.go); the spec holds it to the same
 * name rule as the other display names and checks each permission against the APIs it declares.
 */
export const roleSchema = strictObject({
  name: displayName.optional(),
  description: z.string().max(140, { error: "at most 140 characters" }).optional(),
  permissions: z
    .record(resourceKey, z.array(scopeName).min(1, { error: "list at least one scope (or leave the API out)" }))
    .default({})
    .transform(toDict),
});

export type ParsedRole = z.output<typeof roleSchema>;

export interface RoleSpec extends ParsedRole {
  key: string;
  /** The role's name in Auth0 (default: the key). */
  name: string;
}

/** A role and its permissions (scopes of declared APIs). */
export const roleSpec = {
  at: "roles.<key>",
  schema: roleSchema,
  envelope: { roles: z.record(resourceKey, z.unknown()).default({}) },
  section: "roles" as const,
  omitEmpty: true,
  parse: ({ given, errors }) => {
    const roles = dict<RoleSpec>();
    for (const [key, value] of keyedEntries(given, "roles")) {
      const role = parseAt(roleSchema, value, ["roles", key], errors);
      if (role) roles[key] = { key, ...role, name: role.name ?? key };
    }
    return roles;
  },
  /** Each permission of a role names a declared API and a scope that API declares; role names are unique. */
  check: (tenant: { apis: Record<string, ApiSpec>; roles?: Record<string, RoleSpec> }, { given, errors }) => {
    const roles = Object.values(tenant.roles ?? {});
    const apiScopes = declaredScopes(given, tenant.apis);
    for (const role of roles) checkScopeRefs(["roles", role.key, "permissions"], role.permissions, apiScopes, errors);
    checkUnique(
      roles,
      (r) => r.name,
      (r) => ["roles", r.key, "name"],
      "role name",
      errors,
    );
  },
  declared: (given) => keyedEntries(given, "roles").map(([k]) => k),
  alone: false,
} satisfies KindSpec<Record<string, RoleSpec>>;
