import type { ResourceType } from "../model";

/**
 * The input paths (Pulumi's camelCase names) whose change replaces a resource instead of updating it: the ForceNew
 * fields of terraform-provider-auth0 v1.53.0, which @pulumi/auth0 3.49 passes through unchanged (its
 * provider/resources.go sets no ForceNew or replaceOnChanges override). The plan's diff and the test double of the
 * provider (test/support/provider-double.ts) both read this table. A new resource type without an entry is a compile
 * error.
 */
export const FORCE_NEW: Record<ResourceType, readonly string[]> = {
  // internal/auth0/client/resource.go: only jwt_configuration.secret_encoded (L294-298).
  "auth0:index/client:Client": ["jwtConfiguration.secretEncoded"],
  // internal/auth0/client/resource_credentials_schema.go: client_id (L39-43). The private_key_jwt credentials set has
  // no ForceNew field (L101-180): a key change attaches and detaches credentials in place.
  "auth0:index/clientCredentials:ClientCredentials": ["clientId"],
  // internal/auth0/client/resource_grant.go: client_id (L34-37), audience (L42-45), subject_type (L72-75),
  // default_for (L96-99).
  "auth0:index/clientGrant:ClientGrant": ["clientId", "audience", "subjectType", "defaultFor"],
  // internal/auth0/resourceserver/resource.go: identifier (L43-46).
  "auth0:index/resourceServer:ResourceServer": ["identifier"],
  // internal/auth0/resourceserver/resource_scopes.go: resource_server_identifier (L20-23).
  "auth0:index/resourceServerScopes:ResourceServerScopes": ["resourceServerIdentifier"],
  // internal/auth0/action/resource.go: none (a new trigger or runtime is an update of the same action).
  "auth0:index/action:Action": [],
  // internal/auth0/action/resource_trigger_actions.go: trigger (L30-33).
  "auth0:index/triggerActions:TriggerActions": ["trigger"],
  // internal/auth0/role/resource.go: none (name and description update in place).
  "auth0:index/role:Role": [],
  // internal/auth0/role/resource_permissions.go: role_id (Required, ForceNew).
  "auth0:index/rolePermissions:RolePermissions": ["roleId"],
};

/** The ForceNew paths of a type; none for a type the table does not know (a checkpoint may hold others). */
export const forceNewPaths = (type: string): readonly string[] => (Object.hasOwn(FORCE_NEW, type) ? FORCE_NEW[type as ResourceType] : []);

/**
 * Inputs the plan may leave out without changing anything: Optional+Computed fields, which the bridge plans with
 * Terraform's ProposedNew (pulumi-terraform-bridge pkg/tfshim/sdk-v2/provider2.go, objchange.ProposedNew: a set element
 * left without one keeps its stored value). Listed: those the model leaves out. `[]` stands for any element.
 */
export const KEPT_WHEN_LEFT_OUT: Partial<Record<ResourceType, readonly string[]>> = {
  // internal/auth0/client/resource_credentials_schema.go: expires_at of a private_key_jwt credential is Optional+Computed (L182-186).
  "auth0:index/clientCredentials:ClientCredentials": ["privateKeyJwt.credentials[].expiresAt"],
};

/**
 * Top-level inputs that are sets in the provider's schema (schema.TypeSet): Terraform compares them by element, so
 * their order is no change. Listed: those whose order the two sides of a diff may not share.
 */
export const SET_INPUTS: Partial<Record<ResourceType, readonly string[]>> = {
  // internal/auth0/role/resource_permissions.go: permissions is a TypeSet (Required).
  "auth0:index/rolePermissions:RolePermissions": ["permissions"],
};

/**
 * Inputs the provider keeps from its own state and never reads from Auth0: the live tenant cannot show them, so
 * against the tenant their absence is no change.
 */
export const NOT_IN_TENANT: Partial<Record<ResourceType, readonly string[]>> = {
  // internal/auth0/client/flatten.go L1003-1016: pem and parse_expiry_from_cert come from the state
  // (findCredentialInState); the PEM is matched by its thumbprint, which the import mapping does with the key files.
  "auth0:index/clientCredentials:ClientCredentials": ["privateKeyJwt.credentials[].parseExpiryFromCert"],
};

/** Whether a change's path (`privateKeyJwt.credentials[1].expiresAt`) is one of the table's paths for its type. */
export function listedPath(table: Partial<Record<ResourceType, readonly string[]>>, type: string, path: string): boolean {
  const paths = Object.hasOwn(table, type) ? table[type as ResourceType]! : [];
  return paths.includes(path.replace(/\[\d+\]/g, "[]"));
}
