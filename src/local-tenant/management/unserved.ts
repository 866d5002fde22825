/**
 * Management API endpoints the local tenant has no model of. A call to one is answered as Auth0 answers a caller
 * whose token lacks the endpoint's scope (401 without a token, 403 insufficient_scope without the scope), and with a
 * 501 that says the local tenant does not serve it when the token does hold the scope: never a 404 that reads as
 * "no such endpoint", never a made-up success.
 *
 * The scope of an endpoint is `<verb>:<resource>` (GET read, POST create, PATCH/PUT update, DELETE delete), the
 * resource named after the path's first segment as in the scope list of Auth0's own "Auth0 Management API" resource
 * server (terraform-provider-auth0 v1.53.0, test/data/recordings/TestAccDataSourceResourceServer.yaml, and the
 * per-endpoint "Scopes" of https://auth0.com/docs/api/management/v2).
 */
const RESOURCES: Record<string, string> = {
  users: "users",
  "users-by-email": "users",
  "user-blocks": "users",
  roles: "roles",
  connections: "connections",
  organizations: "organizations",
  rules: "rules",
  "rules-configs": "rules_configs",
  hooks: "hooks",
  logs: "logs",
  "log-streams": "log_streams",
  "email-templates": "email_templates",
  emails: "email_provider",
  "custom-domains": "custom_domains",
  grants: "grants",
  "device-credentials": "device_credentials",
  guardian: "guardian_factors",
  branding: "branding",
  prompts: "prompts",
  stats: "stats",
  keys: "signing_keys",
  "attack-protection": "attack_protection",
  tenants: "tenant_settings",
  "refresh-tokens": "refresh_tokens",
  sessions: "sessions",
  "self-service-profiles": "self_service_profiles",
  "token-exchange-profiles": "token_exchange_profiles",
  flows: "flows",
  forms: "forms",
};

const VERBS: Record<string, string> = { GET: "read", HEAD: "read", POST: "create", PATCH: "update", PUT: "update", DELETE: "delete" };

/** The scope an unserved Auth0 endpoint needs, or undefined for a path that is no Management API endpoint. */
export function unservedEndpointScope(method: string, pathUnderApi: string): string | undefined {
  const first = pathUnderApi.split("/").filter((s) => s !== "")[0];
  const resource = first !== undefined ? RESOURCES[first] : undefined;
  const verb = VERBS[method.toUpperCase()];
  return resource && verb ? `${verb}:${resource}` : undefined;
}
