/**
 * The one list of a role's settings (auth0.Role's inputs, the live snapshot's fields); its permissions are compared
 * scope by scope. Review, drift, import and `adopt:`'s ignorable inputs read it.
 */
export const ROLE_FIELDS = ["name", "description"] as const;
export type RoleField = (typeof ROLE_FIELDS)[number];
export const ROLE_PERMISSIONS_FIELDS = ["permissions"] as const;
