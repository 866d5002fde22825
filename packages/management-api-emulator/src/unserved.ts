/**
 * Management API endpoints the local tenant has no model of. A call to one is answered as Auth0 answers a caller
 * whose token lacks the endpoint's scope (401 without a token, 403 insufficient_scope without the scope), and with a
 * 501 that says the local tenant does not serve it when the token does hold the scope: never a 404 that reads as
 * "no such endpoint", never a made-up success.
 *
 * The scope of an endpoint is `<verb>:<resource>` (GET read, POST create, PATCH/PUT update, DELETE delete), the
 * resource named after the path's first segment. Each resource lists the verbs Auth0 has a scope for: every scope
 * named here is in the scope list of Auth0's own "Auth0 Management API" resource server as recorded by
 * terraform-provider-auth0 v1.53.0 (test/data/recordings/TestAccDataSourceResourceServer.yaml); a verb without one
 * (DELETE /logs) is no endpoint, and gets the 404 of unknown paths.
 */
const RESOURCES: Record<string, [resource: string, verbs: string]> = {
  users: ["users", "rcud"],
  "users-by-email": ["users", "r"],
  "user-blocks": ["users", "rd"],
  roles: ["roles", "rcud"],
  connections: ["connections", "rcud"],
  organizations: ["organizations", "rcud"],
  rules: ["rules", "rcud"],
  "rules-configs": ["rules_configs", "rud"],
  hooks: ["hooks", "rcud"],
  logs: ["logs", "r"],
  "log-streams": ["log_streams", "rcud"],
  "email-templates": ["email_templates", "rcu"],
  emails: ["email_provider", "rcud"],
  "custom-domains": ["custom_domains", "rcud"],
  grants: ["grants", "rd"],
  "device-credentials": ["device_credentials", "rcud"],
  guardian: ["guardian_factors", "ru"],
  branding: ["branding", "rud"],
  prompts: ["prompts", "ru"],
  stats: ["stats", "r"],
  keys: ["signing_keys", "rcu"],
  "attack-protection": ["attack_protection", "ru"],
  tenants: ["tenant_settings", "ru"],
  "refresh-tokens": ["refresh_tokens", "rd"],
  sessions: ["sessions", "rd"],
  "self-service-profiles": ["self_service_profiles", "rcud"],
  flows: ["flows", "rcud"],
  forms: ["forms", "rcud"],
};

const VERBS: Record<string, [verb: string, letter: string]> = {
  GET: ["read", "r"],
  HEAD: ["read", "r"],
  POST: ["create", "c"],
  PATCH: ["update", "u"],
  PUT: ["update", "u"],
  DELETE: ["delete", "d"],
};

/** The scope an unserved Auth0 endpoint needs, or undefined for a path that is no Management API endpoint. */
export function unservedEndpointScope(method: string, pathUnderApi: string): string | undefined {
  const first = pathUnderApi.split("/").filter((s) => s !== "")[0];
  const resource = first !== undefined && Object.hasOwn(RESOURCES, first) ? RESOURCES[first] : undefined;
  const verb = VERBS[method.toUpperCase()];
  return resource && verb && resource[1].includes(verb[1]) ? `${verb[0]}:${resource[0]}` : undefined;
}
