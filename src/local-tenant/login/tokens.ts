import { SignJWT } from "jose";
import type { ApiSpec } from "../../kinds/specs";
import type { SigningKeys } from "../signing-keys";
import type { TestUser } from "./users";

/** Auth0's default ID token lifetime (an application's jwt_configuration.lifetime_in_seconds: 36000). */
export const ID_TOKEN_LIFETIME = 36_000;
/** The lifetime of an access token for /userinfo only (no audience): Auth0's default API token lifetime, 86400. */
export const USERINFO_TOKEN_LIFETIME = 86_400;

/** One completed login, as the tokens need it. */
export interface LoginGrant {
  clientId: string;
  user: TestUser;
  scopes: string[];
  api?: ApiSpec;
  nonce?: string;
  /** Seconds since the epoch at which the user authenticated. */
  authTime: number;
  sid: string;
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
}

/**
 * The standard claims per scope (OIDC Core 5.4): `profile` gives the name fields, `email` the email ones. Auth0
 * fills them from the user profile, on the ID token and at /userinfo.
 */
export function profileClaims(user: TestUser, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes("profile")) {
    claims.name = user.name ?? user.email;
    claims.nickname = user.nickname ?? user.email.split("@")[0];
    if (user.given_name) claims.given_name = user.given_name;
    if (user.family_name) claims.family_name = user.family_name;
    if (user.picture) claims.picture = user.picture;
  }
  if (scopes.includes("email")) {
    claims.email = user.email;
    claims.email_verified = user.email_verified;
  }
  return claims;
}

export interface IssuedTokens {
  access_token: string;
  id_token?: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
}

/**
 * The tokens of a login. The access token's audience is the API (plus `<issuer>userinfo` when `openid` was asked,
 * so the same token reads /userinfo), or `<issuer>userinfo` alone without an audience
 * (https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens); its lifetime is the API's token lifetime
 * (the authorization code flow, PKCE included, uses "Token Expiration", not the one for browser flows:
 * https://auth0.com/docs/secure/tokens/access-tokens/update-access-token-lifetime). The ID token (only with `openid`)
 * carries nonce, auth_time and sid, and the profile claims of the scopes; custom claims come first so that no action
 * can overwrite a standard one (the runtime has dropped such names already, src/spec/claim-rules.ts).
 * The spec declares no RBAC / token dialect for APIs, so no `permissions` claim is issued.
 */
export async function issueTokens(grant: LoginGrant, issuer: string, signingKeys: SigningKeys, now: Date): Promise<IssuedTokens> {
  const iat = Math.floor(now.getTime() / 1000);
  const openid = grant.scopes.includes("openid");
  const userinfo = `${issuer}userinfo`;
  const audience = grant.api ? (openid ? [grant.api.identifier, userinfo] : grant.api.identifier) : userinfo;
  const lifetime = grant.api?.tokenLifetime ?? USERINFO_TOKEN_LIFETIME;
  const scope = grant.scopes.join(" ");
  const accessKey = signingKeys.forAlg(grant.api?.signingAlg ?? "RS256");
  const accessToken = new SignJWT({
    ...grant.accessTokenClaims,
    iss: issuer,
    sub: grant.user.user_id,
    aud: audience,
    iat,
    exp: iat + lifetime,
    scope,
    azp: grant.clientId,
  })
    .setProtectedHeader({ alg: accessKey.alg, typ: "JWT", kid: accessKey.kid })
    .sign(accessKey.privateKey);
  let idToken: Promise<string> | undefined;
  if (openid) {
    // The application's jwt_configuration.alg is RS256 (src/kinds/application/model.ts).
    const idKey = signingKeys.forAlg("RS256");
    idToken = new SignJWT({
      ...grant.idTokenClaims,
      ...profileClaims(grant.user, grant.scopes),
      iss: issuer,
      sub: grant.user.user_id,
      aud: grant.clientId,
      iat,
      exp: iat + ID_TOKEN_LIFETIME,
      auth_time: grant.authTime,
      sid: grant.sid,
      ...(grant.nonce !== undefined ? { nonce: grant.nonce } : {}),
    })
      .setProtectedHeader({ alg: idKey.alg, typ: "JWT", kid: idKey.kid })
      .sign(idKey.privateKey);
  }
  return {
    access_token: await accessToken,
    ...(idToken ? { id_token: await idToken } : {}),
    token_type: "Bearer",
    expires_in: lifetime,
    scope,
  };
}
