import { assertNever } from "../errors";
import type { Trigger } from "../spec/triggers";

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
  /** `event.authorization.roles`: the user's role names. */
  roles?: string[];
  /** `event.stats.logins_count`, counting this login. */
  loginsCount?: number;
  /** More of `event.transaction` (protocol, redirect_uri, state, prompt, response_type …), as the flow saw it. */
  transaction?: Record<string, unknown>;
  /** `event.session.id` and `event.authentication.methods[].timestamp`, from the login session. */
  session?: { id: string; authenticatedAt: Date };
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
    transaction: {
      requested_scopes: input.scopes ?? ["openid", "profile", "email"],
      protocol: "oidc-basic-profile",
      locale: "en",
      ...input.transaction,
    },
    authentication: { methods: [{ name: "pwd", timestamp: (input.session?.authenticatedAt ?? new Date(0)).toISOString() }] },
    authorization: { roles: input.roles ?? [] },
    ...(input.session ? { session: { id: input.session.id } } : {}),
    stats: { logins_count: input.loginsCount ?? 1 },
    request: localRequest({ method: "GET", ...input.request }),
    tenant: { id: input.tenant ?? "local" },
    secrets: {} as Record<string, string>,
  };
}

/**
 * Completes a partial event (as written in an event file) into a full Auth0-shaped event for a trigger: fields the
 * file gives win, the rest gets local defaults.
 */
export function completeEvent(trigger: Trigger, partial: Record<string, any>): Record<string, unknown> {
  const client = { client_id: "local-client", name: "Local client", ...partial.client };
  switch (trigger) {
    case "credentials-exchange": {
      const base = credentialsExchangeEvent({
        client,
        resourceServer: partial.resource_server ?? { identifier: "https://api.example" },
        scopes: partial.transaction?.requested_scopes ?? [],
      });
      return { ...base, ...partial, client: base.client };
    }
    case "post-login": {
      const base = postLoginEvent({
        user: { user_id: "auth0|local-user", ...partial.user },
        connection: partial.connection ?? { name: "Username-Password-Authentication", strategy: "auth0" },
        client,
        ...(partial.resource_server ? { resourceServer: partial.resource_server } : {}),
      });
      return { ...base, ...partial, user: base.user, client: base.client, connection: base.connection };
    }
    default:
      return assertNever(trigger, "trigger");
  }
}
