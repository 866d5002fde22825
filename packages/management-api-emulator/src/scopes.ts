/**
 * The Management API scopes the local tenant serves, with the descriptions Auth0's own "Auth0 Management API"
 * resource server gives them (terraform-provider-auth0 v1.53.0, TestAccDataSourceResourceServer.yaml id 22; the
 * real API has about 180 more, for endpoints not served here).
 */
export const MANAGEMENT_SCOPES = [
  { value: "read:client_grants", description: "Read Client Grants" },
  { value: "create:client_grants", description: "Create Client Grants" },
  { value: "delete:client_grants", description: "Delete Client Grants" },
  { value: "update:client_grants", description: "Update Client Grants" },
  { value: "read:clients", description: "Read Clients" },
  { value: "update:clients", description: "Update Clients" },
  { value: "delete:clients", description: "Delete Clients" },
  { value: "create:clients", description: "Create Clients" },
  { value: "read:resource_servers", description: "Read Resource Servers" },
  { value: "update:resource_servers", description: "Update Resource Servers" },
  { value: "delete:resource_servers", description: "Delete Resource Servers" },
  { value: "create:resource_servers", description: "Create Resource Servers" },
  { value: "read:actions", description: "Read Actions" },
  { value: "update:actions", description: "Update Actions" },
  { value: "delete:actions", description: "Delete Actions" },
  { value: "create:actions", description: "Create Actions" },
  { value: "read:client_credentials", description: "Read Client Credentials" },
  { value: "create:client_credentials", description: "Create Client Credentials" },
  { value: "update:client_credentials", description: "Update Client Credentials" },
  { value: "delete:client_credentials", description: "delete Client Credentials" },
  // Recorded without descriptions.
  { value: "read:roles" },
  { value: "create:roles" },
  { value: "update:roles" },
  { value: "delete:roles" },
  { value: "read:tenant_settings", description: "Read Tenant Settings" },
  { value: "update:tenant_settings", description: "Update Tenant Settings" },
] as const;

export type ManagementScope = (typeof MANAGEMENT_SCOPES)[number]["value"];
export const ALL_MANAGEMENT_SCOPES: ManagementScope[] = MANAGEMENT_SCOPES.map((s) => s.value);

/** What a tenant reader (import, drift, the rotation guard) needs, and the previewer of docs/ci-github.md holds. */
export const READ_SCOPES: ManagementScope[] = [
  "read:clients",
  "read:client_credentials",
  "read:client_grants",
  "read:resource_servers",
  "read:actions",
  "read:roles",
];

export const isManagementScope = (s: string): s is ManagementScope => (ALL_MANAGEMENT_SCOPES as string[]).includes(s);
