/** Auth0's limits for actions. */
export const ACTION_LIMITS = {
  codeBytes: 100 * 1024,
  actionsPerTrigger: 20,
  actionsPerTenant: 100,
  secretsPerAction: 30,
  secretValueChars: 4096,
  customClaimsBytesPerToken: 100 * 1024,
  /** Auth0 stops an action after 20 s; the local runtime applies the same limit to each action it runs. */
  executionMs: 20_000,
} as const;

/** Auth0's default access token lifetime of an API, in seconds. */
export const DEFAULT_TOKEN_LIFETIME = 86_400;
/** Auth0's default lifetime of tokens issued through the browser flows (token_lifetime_for_web), in seconds. */
export const DEFAULT_TOKEN_LIFETIME_FOR_WEB = 7_200;

/** The web lifetime when none is given: Auth0's default, but never above the API's own lifetime (which it may not exceed). */
export const defaultTokenLifetimeForWeb = (tokenLifetime: number) => Math.min(DEFAULT_TOKEN_LIFETIME_FOR_WEB, tokenLifetime);

/** Algorithms of a private_key_jwt credential. */
export const CREDENTIAL_ALGORITHMS = ["RS256", "RS384", "PS256"] as const;
