import type { ApiSpec } from "../../kinds/specs";
import type { WebClient } from "./clients";
import { CONNECTIONS } from "./users";

/**
 * `/authorize` as Auth0 serves it for the authorization code flow
 * (https://auth0.com/docs/api/authentication/authorization-code-flow-with-pkce/authorize-with-pkce). Two kinds of
 * failure, as RFC 6749 section 4.1.2.1 prescribes: with an unknown client or a redirect_uri that is not one of the
 * app's callbacks, nothing is sent back to the redirect_uri (an error page instead: Auth0's "Callback URL mismatch");
 * every other error goes back to the callback as `error`, `error_description` and `state`.
 */

/** Scopes of OpenID Connect itself (OIDC Core 5.4, 11): kept whatever the audience. */
export const OIDC_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access"] as const;

export interface AuthorizeRequest {
  client: WebClient;
  redirectUri: string;
  state?: string;
  nonce?: string;
  /** The scopes the client asked for, in order. */
  requestedScopes: string[];
  /** The scopes the tokens carry: OIDC scopes and the API's own (others are dropped, as Auth0 does). */
  scopes: string[];
  api?: ApiSpec;
  codeChallenge?: string;
  prompt?: "login" | "none";
  connection?: string;
  maxAge?: number;
  responseType: "code";
}

export type AuthorizeResult =
  | { ok: true; request: AuthorizeRequest }
  /** Shown to the user: the client or the callback cannot be trusted with an answer. */
  | { ok: false; page: { status: number; title: string; message: string } }
  /** Sent back to the (checked) callback. */
  | { ok: false; redirect: string };

/** The callback URL with the response parameters added to its query (RFC 6749 4.1.2: keep the URL's own query). */
export function callbackWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function parseAuthorize(query: URLSearchParams, clients: Map<string, WebClient>, apis: Map<string, ApiSpec>): AuthorizeResult {
  const one = (name: string) => query.get(name) ?? undefined;
  const clientId = one("client_id");
  if (!clientId) return { ok: false, page: { status: 400, title: "Invalid request", message: "Missing required parameter: client_id" } };
  const client = clients.get(clientId);
  if (!client)
    return {
      ok: false,
      page: { status: 400, title: "Unknown client", message: `Unknown client: ${clientId} (not a web application of this stack)` },
    };
  const redirectUri = one("redirect_uri");
  // Exact string comparison with the Allowed Callback URLs (RFC 6749 3.1.2.3 with registered URIs; OAuth 2.0
  // Security BCP, RFC 9700 4.1.3: exact matching). Auth0's subdomain wildcards are not served locally.
  if (!redirectUri || !client.app.callbacks.includes(redirectUri)) {
    return {
      ok: false,
      page: {
        status: 400,
        title: "Callback URL mismatch",
        message: `Callback URL mismatch. The provided redirect_uri ${redirectUri === undefined ? "(none)" : JSON.stringify(redirectUri)} is not in the list of allowed callback URLs of ${client.app.name} (allowed: ${client.app.callbacks.join(", ")})`,
      },
    };
  }
  const state = one("state");
  const fail = (error: string, description: string): AuthorizeResult => ({
    ok: false,
    redirect: callbackWith(redirectUri, { error, error_description: description, state }),
  });

  const responseType = one("response_type");
  if (responseType !== "code")
    return fail("unsupported_response_type", `Unsupported response type: ${responseType ?? "(none)"} (the local tenant serves code)`);
  const responseMode = one("response_mode");
  if (responseMode !== undefined && responseMode !== "query")
    return fail("invalid_request", `Unsupported response_mode: ${responseMode} (the local tenant answers in the query)`);

  const codeChallenge = one("code_challenge");
  const method = one("code_challenge_method");
  if (codeChallenge !== undefined) {
    if (method !== "S256") return fail("invalid_request", `code_challenge_method must be S256 (got ${method ?? "none"})`);
    if (!S256_CHALLENGE.test(codeChallenge)) return fail("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)");
  } else if (method !== undefined) {
    return fail("invalid_request", "code_challenge_method without code_challenge");
  } else if (client.authMethod === "none") {
    return fail("invalid_request", "Parameter 'code_challenge' is required: a public client must use PKCE with S256");
  }

  const prompt = one("prompt");
  if (prompt !== undefined && prompt !== "login" && prompt !== "none")
    return fail("invalid_request", `Unsupported prompt: ${prompt} (allowed: login, none)`);
  const connection = one("connection");
  if (connection !== undefined && !(CONNECTIONS as readonly string[]).includes(connection))
    return fail("invalid_request", `the connection ${connection} is not enabled (local connections: ${CONNECTIONS.join(", ")})`);
  const maxAgeText = one("max_age");
  const maxAge = maxAgeText === undefined ? undefined : Number(maxAgeText);
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0))
    return fail("invalid_request", "max_age must be a whole number of seconds");

  const audience = one("audience");
  const api = audience === undefined ? undefined : apis.get(audience);
  if (audience !== undefined && !api) return fail("access_denied", `Service not found: ${audience}`);

  const requestedScopes = (one("scope") ?? "").split(" ").filter((s) => s !== "");
  const scopes = requestedScopes.filter((s, i) => {
    if (requestedScopes.indexOf(s) !== i) return false;
    // A refresh token only for an API that allows offline access
    // (https://auth0.com/docs/secure/tokens/refresh-tokens/get-refresh-tokens).
    if (s === "offline_access") return api === undefined || api.allowOfflineAccess;
    return (OIDC_SCOPES as readonly string[]).includes(s) || (api !== undefined && s in api.scopes);
  });

  return {
    ok: true,
    request: {
      client,
      redirectUri,
      ...(state !== undefined ? { state } : {}),
      ...(one("nonce") !== undefined ? { nonce: one("nonce")! } : {}),
      requestedScopes,
      scopes,
      ...(api ? { api } : {}),
      ...(codeChallenge !== undefined ? { codeChallenge } : {}),
      ...(prompt !== undefined ? { prompt } : {}),
      ...(connection !== undefined ? { connection } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      responseType: "code",
    },
  };
}
