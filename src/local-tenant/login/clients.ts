import type { TenantSpec, WebApplicationSpec } from "../../kinds/specs";
import { localClientId } from "../clients";

/** An application users log in to, with how it authenticates at the token endpoint. */
export interface WebClient {
  clientId: string;
  app: WebApplicationSpec;
  /**
   * "private_key_jwt" for a web app with credentials (a confidential client, authenticated like the M2M apps).
   * "none" for one without: a public client, which must use PKCE (RFC 7636; Auth0 requires it for SPAs,
   * https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow-with-pkce).
   * On Auth0 such an app would hold a client secret (client_secret_post), which this project never manages; the
   * spec has no `spa` type yet, so the local tenant serves it as the public client a SPA is.
   */
  authMethod: "private_key_jwt" | "none";
}

export function webClients(spec: TenantSpec): Map<string, WebClient> {
  const clients = new Map<string, WebClient>();
  for (const app of Object.values(spec.applications)) {
    if (app.type !== "regular_web") continue;
    const clientId = localClientId(spec.stack, app.key);
    clients.set(clientId, { clientId, app, authMethod: app.credentials?.length ? "private_key_jwt" : "none" });
  }
  return clients;
}

/**
 * Origins that may call the token and userinfo endpoints from a browser: Auth0's "Allowed Origins (CORS)" default to
 * the application's callback URLs ("By default, all your callback URLs will be allowed", dashboard help of the
 * setting; https://auth0.com/docs/get-started/applications/application-settings), and its Allowed Web Origins.
 */
export function corsOrigins(clients: Map<string, WebClient>): Set<string> {
  const origins = new Set<string>();
  for (const { app } of clients.values()) {
    for (const url of app.callbacks) origins.add(new URL(url).origin);
    for (const origin of app.webOrigins) origins.add(new URL(origin).origin);
  }
  return origins;
}
