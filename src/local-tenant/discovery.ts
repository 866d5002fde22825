import { CREDENTIAL_ALGS } from "../spec";

/**
 * Authorization server metadata (RFC 8414) and OpenID Provider metadata (OpenID Connect Discovery 1.0) for what the
 * local tenant serves: the client-credentials grant at the token endpoint with private_key_jwt, and the JWKS. Served
 * at both `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.
 *
 * `issuer` is the origin the client reached with a trailing slash, as Auth0 spells its own (`https://<domain>/`):
 * openid-client and auth0-auth-js compare it with the URL they were given, and sign the assertion `aud` with it.
 */
export function discoveryDocument(origin: string) {
  return {
    issuer: `${origin}/`,
    token_endpoint: `${origin}/oauth/token`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    grant_types_supported: ["client_credentials"],
    token_endpoint_auth_methods_supported: ["private_key_jwt"],
    token_endpoint_auth_signing_alg_values_supported: [...CREDENTIAL_ALGS],
    // Required members. No authorization endpoint is served (user logins are previewed by `npx auth0-tenant login`), so no
    // response type is supported: an empty list says so, where Auth0's list would promise flows that are not here.
    response_types_supported: [] as string[],
    subject_types_supported: ["public"],
    // Required by OpenID Connect Discovery (RS256 must be listed); the local tenant issues no ID token itself.
    id_token_signing_alg_values_supported: ["RS256"],
  };
}
