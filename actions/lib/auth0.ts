/** The parts of Auth0's action `event` and `api` objects these actions use. */

export interface TokenApi {
  setCustomClaim(name: string, value: unknown): void;
}

export interface PostLoginEvent {
  user: { user_id: string; email?: string; app_metadata?: Record<string, unknown>; user_metadata?: Record<string, unknown> };
  connection: { name: string; strategy: string };
  client: { client_id: string; name: string; metadata: Record<string, string> };
  resource_server?: { identifier: string };
  secrets: Record<string, string>;
}

export interface PostLoginApi {
  idToken: TokenApi;
  accessToken: TokenApi;
  access: { deny(reason: string): void };
}

export interface CredentialsExchangeEvent {
  client: { client_id: string; name: string; metadata: Record<string, string> };
  resource_server: { identifier: string };
  transaction: { requested_scopes: string[] };
  secrets: Record<string, string>;
}

export interface CredentialsExchangeApi {
  accessToken: TokenApi;
  access: { deny(code: string, reason: string): void };
}
