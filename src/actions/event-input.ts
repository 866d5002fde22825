import { TRIGGERS, type Trigger } from "./triggers";
import { credentialsExchangeEvent, postLoginEvent } from "./events";

/**
 * Completes a partial event (as written in an event file) into a full Auth0-shaped event for a trigger: fields the
 * file gives win, the rest gets local defaults.
 */
export function eventFor(trigger: Trigger, partial: Record<string, any>): Record<string, unknown> {
  const client = { client_id: "local-client", name: "Local client", ...partial.client };
  if (trigger === "credentials-exchange") {
    const base = credentialsExchangeEvent({
      client,
      resourceServer: partial.resource_server ?? { identifier: "https://api.example" },
      scopes: partial.transaction?.requested_scopes ?? [],
    });
    return { ...base, ...partial, client: base.client };
  }
  const base = postLoginEvent({
    user: { user_id: "auth0|local-user", ...partial.user },
    connection: partial.connection ?? { name: "Username-Password-Authentication", strategy: "auth0" },
    client,
    ...(partial.resource_server ? { resourceServer: partial.resource_server } : {}),
  });
  return { ...base, ...partial, user: base.user, client: base.client, connection: base.connection };
}

export const handlerName = (trigger: Trigger) => TRIGGERS[trigger].handler;
