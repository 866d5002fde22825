import { CREDENTIAL_ALGS } from "../spec";

/**
 * Authorization server metadata (RFC 8414) and OpenID Provider metadata (OpenID Connect Discovery 1.0 section 3) for
 * what the local tenant serves: the client-credentials grant with private_key_jwt, and user logins (authorization
 * code with PKCE S256, refresh tokens, /userinfo, RP-initiated logout at /oidc/logout). Served at both
 * `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
 *
 * `issuer` is the origin the client reached with a trailing slash, as Auth0 spells its own (`https://<domain>/`):
 * openid-client and auth0-auth-js compare it with the URL they were given, and sign the assertion `aud` with it.
 */
export function discoveryDocument(origin: string) {
  return {
    issuer: `${origin}/`,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    userinfo_endpoint: `${origin}/userinfo`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    end_session_endpoint: `${origin}/oidc/logout`,
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    // "none" is the public clients' (SPAs: PKCE instead of a client credential).
    token_endpoint_auth_methods_supported: ["private_key_jwt", "none"],
    token_endpoint_auth_signing_alg_values_supported: [...CREDENTIAL_ALGS],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    claims_supported: [
      "sub",
      "iss",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "nonce",
      "sid",
      "name",
      "nickname",
      "given_name",
      "family_name",
      "picture",
      "email",
      "email_verified",
    ],
    prompt_values_supported: ["none", "login"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
  };
}
