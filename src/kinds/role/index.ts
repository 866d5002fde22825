import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { roleKindModel } from "./model";
import { roleSpec } from "./spec";
import { roleDrift } from "./drift";
import { ROLE_FIELDS, ROLE_PERMISSIONS_FIELDS } from "./fields";
import { roleImport } from "./import";
import { ROLE_RISK, roleDetector, type RoleChange } from "./review";

/** A role and its permissions (scopes of declared APIs). */
export const role = {
  spec: roleSpec,
  model: roleKindModel,
  types: {
    [RESOURCE_TYPES.Role]: ["role.added", "role.removed", "role.setting-changed"],
    [RESOURCE_TYPES.RolePermissions]: ["role.permission-gained", "role.permission-lost"],
  },
  fields: [...ROLE_FIELDS, ...ROLE_PERMISSIONS_FIELDS],
  plan: { [RESOURCE_TYPES.Role]: "Roles", [RESOURCE_TYPES.RolePermissions]: "Roles" },
  review: { risk: ROLE_RISK, detector: roleDetector },
  live: { drift: roleDrift, import: roleImport },
} satisfies Kind<typeof RESOURCE_TYPES.Role | typeof RESOURCE_TYPES.RolePermissions, RoleChange>;
