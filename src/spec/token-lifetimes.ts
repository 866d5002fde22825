/** Auth0's bounds for an API's access token lifetime, in seconds (30 days at most). */
export const TOKEN_LIFETIME = { min: 60, max: 2_592_000 } as const;
/** Auth0's default access token lifetime of an API, in seconds. */
export const DEFAULT_TOKEN_LIFETIME = 86_400;
/** Auth0's default lifetime of tokens issued through the browser flows (token_lifetime_for_web), in seconds. */
export const DEFAULT_TOKEN_LIFETIME_FOR_WEB = 7_200;

/** The web lifetime when none is given: Auth0's default, but never above the API's own lifetime (which it may not exceed). */
export const defaultTokenLifetimeForWeb = (tokenLifetime: number) => Math.min(DEFAULT_TOKEN_LIFETIME_FOR_WEB, tokenLifetime);
