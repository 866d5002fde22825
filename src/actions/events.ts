/** Builders of Auth0-shaped events for the local runtime, with the fields actions commonly read. */

export interface ClientInfo {
  client_id: string;
  name: string;
  metadata?: Record<string, string>;
}

const localRequest = (request?: Record<string, unknown>) => ({
  ip: "127.0.0.1",
  hostname: "localhost",
  method: "POST",
  language: "en",
  user_agent: "auth0-tenant local runtime",
  ...request,
});

export function credentialsExchangeEvent(input: {
  client: ClientInfo;
  resourceServer: { identifier: string };
  scopes?: string[];
  request?: Record<string, unknown>;
  tenant?: string;
}) {
  return {
    transaction: { requested_scopes: input.scopes ?? [] },
    client: { client_id: input.client.client_id, name: input.client.name, metadata: input.client.metadata ?? {} },
    resource_server: { identifier: input.resourceServer.identifier },
    request: localRequest(input.request),
    tenant: { id: input.tenant ?? "local" },
    accessToken: { customClaims: {} },
    secrets: {} as Record<string, string>,
  };
}

export interface UserInfo {
  user_id: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

export function postLoginEvent(input: {
  user: UserInfo;
  connection: { name: string; strategy?: string; id?: string };
  client: ClientInfo;
  resourceServer?: { identifier: string };
  organization?: { id: string; name: string; display_name?: string; metadata?: Record<string, string> };
  scopes?: string[];
  request?: Record<string, unknown>;
  tenant?: string;
}) {
  return {
    user: { app_metadata: {}, user_metadata: {}, ...input.user },
    connection: {
      id: input.connection.id ?? `con_${input.connection.name}`,
      name: input.connection.name,
      strategy: input.connection.strategy ?? "auth0",
      metadata: {},
    },
    client: { client_id: input.client.client_id, name: input.client.name, metadata: input.client.metadata ?? {} },
    ...(input.resourceServer ? { resource_server: { identifier: input.resourceServer.identifier } } : {}),
    ...(input.organization ? { organization: { metadata: {}, ...input.organization } } : {}),
    transaction: { requested_scopes: input.scopes ?? ["openid", "profile", "email"], protocol: "oidc-basic-profile", locale: "en" },
    authentication: { methods: [{ name: "pwd", timestamp: new Date(0).toISOString() }] },
    stats: { logins_count: 1 },
    request: localRequest({ method: "GET", ...input.request }),
    tenant: { id: input.tenant ?? "local" },
    secrets: {} as Record<string, string>,
  };
}
