/** Auth0's bounds for an API's access token lifetime, in seconds (30 days at most). */
export const TOKEN_LIFETIME = { min: 60, max: 2_592_000 } as const;
export {
  DEFAULT_TOKEN_LIFETIME,
  DEFAULT_TOKEN_LIFETIME_FOR_WEB,
  defaultTokenLifetimeForWeb,
} from "@auth0-tenant/management-api-emulator/auth0-limits";
