import type { TokenKind } from "./triggers";

/**
 * Auth0's rules for custom claim names, in one place: the plan refuses names Auth0 would drop, and the local
 * runtime reports the same names as dropped. Auth0 drops such claims silently, without failing the login.
 */

/** Parameters of the JWT header: no action can set them (only the payload is customisable). */
export const HEADER_PARAMETERS = ["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc", "zip"] as const;

/** Auth0's restricted claims: a custom claim with one of these names is dropped. */
export const RESTRICTED_CLAIMS = [
  "acr",
  "act",
  "active",
  "amr",
  "at_hash",
  "ath",
  "attest",
  "aud",
  "auth_time",
  "authorization_details",
  "azp",
  "c_hash",
  "client_id",
  "cnf",
  "cty",
  "dest",
  "entitlements",
  "events",
  "exp",
  "groups",
  "gty",
  "htm",
  "htu",
  "iat",
  "internalService",
  "iss",
  "jcard",
  "jku",
  "jti",
  "jwe",
  "jwk",
  "kid",
  "may_act",
  "mky",
  "nbf",
  "nonce",
  "object_id",
  "org_id",
  "org_name",
  "orig",
  "origid",
  "permissions",
  "roles",
  "rph",
  "s_hash",
  "sid",
  "sip_callid",
  "sip_cseq_num",
  "sip_date",
  "sip_from_tag",
  "sip_via_branch",
  "sub",
  "sub_jwk",
  "toe",
  "txn",
  "typ",
  "uuid",
  "vot",
  "vtm",
  "x5t#S256",
] as const;

/** OIDC standard profile claims: Auth0 fills them from the user profile on ID tokens; an action cannot override them. */
export const OIDC_PROFILE_CLAIMS = [
  "name",
  "given_name",
  "family_name",
  "middle_name",
  "nickname",
  "preferred_username",
  "profile",
  "picture",
  "website",
  "email",
  "email_verified",
  "gender",
  "birthdate",
  "zoneinfo",
  "locale",
  "phone_number",
  "phone_number_verified",
  "address",
  "updated_at",
] as const;

/** Namespaces on these domains (and their subdomains) are dropped. */
export const AUTH0_OWNED_DOMAINS = ["auth0.com", "webtask.io", "webtask.run"] as const;

const header = new Set<string>(HEADER_PARAMETERS);
const restricted = new Set<string>(RESTRICTED_CLAIMS);
const oidcProfile = new Set<string>(OIDC_PROFILE_CLAIMS);

const isOwnedHost = (host: string) => AUTH0_OWNED_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));

/** A namespaced claim is a URL; its host is what Auth0 checks against its own domains. */
export function claimNamespaceHost(name: string): string | undefined {
  if (!/^https?:\/\//i.test(name)) return undefined;
  try {
    return new URL(name).hostname.toLowerCase();
    // Stryker disable next-line BlockStatement: an empty catch block also returns undefined (equivalent mutant)
  } catch {
    return undefined;
  }
}

export const isNamespaced = (name: string) => claimNamespaceHost(name) !== undefined;

/** True when an access token's audience is one of Auth0's own APIs (Management API), where only namespaced claims survive. */
export function isAuth0Audience(audience: string | undefined): boolean {
  const host = audience ? claimNamespaceHost(audience) : undefined;
  return host !== undefined && isOwnedHost(host) && !/\/userinfo\/?$/.test(audience!);
}

/**
 * Why Auth0 would drop (or refuse) a claim with this name on this token, or undefined when it is kept.
 * `audience` matters only for access tokens (non-namespaced names are dropped for Auth0's own APIs).
 */
export function claimNameProblem(name: string, token: TokenKind, audience?: string): string | undefined {
  if (name.trim() === "") return "a claim name must not be empty";
  if (header.has(name)) {
    return `"${name}" is a JWT header parameter; actions can only customise the token payload, never its header (Auth0 sets alg, kid and typ itself; jku, x5u, x5c and jwk cannot be added). Instead, let consumers find keys at the tenant's /.well-known/jwks.json, or put the value in a namespaced payload claim such as https://example.com/${name}`;
  }
  if (restricted.has(name)) {
    return `"${name}" is a claim Auth0 reserves; a custom claim with this name is silently dropped (use a namespaced name such as https://example.com/${name})`;
  }
  const host = claimNamespaceHost(name);
  if (host !== undefined && isOwnedHost(host)) {
    return `the namespace ${host} is an Auth0-owned domain (${AUTH0_OWNED_DOMAINS.join(", ")}); such claims are silently dropped (use a domain you own, e.g. https://example.com/…)`;
  }
  if (host === undefined && token === "id" && oidcProfile.has(name)) {
    return `"${name}" is a standard OIDC profile claim; Auth0 sets it on ID tokens from the user profile and an action cannot override it (use a namespaced name)`;
  }
  if (host === undefined && token === "access" && isAuth0Audience(audience)) {
    return `non-namespaced claims are dropped from access tokens for Auth0's own APIs (audience ${audience}); use a namespaced name`;
  }
  return undefined;
}

/** Size of a token's custom claims as Auth0 counts them (their JSON), against the 100 KB limit. */
export const customClaimsBytes = (claims: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(claims), "utf8");
