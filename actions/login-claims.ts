import type { PostLoginApi, PostLoginEvent } from "./lib/auth0";
import { actionConfig, claimValue, denyReason } from "./lib/mapping";

/**
 * post-login: adds the declared claims (e.g. the connection the user logged in with, fields of the user's
 * app_metadata) to the ID and/or access token. Everything comes from the event: no Management API call per login.
 */
export const onExecutePostLogin = async (event: PostLoginEvent, api: PostLoginApi): Promise<void> => {
  const deny = denyReason(actionConfig.deny, event);
  if (deny) {
    api.access.deny(deny.reason);
    return;
  }
  for (const mapping of actionConfig.claims) {
    const value = claimValue(mapping, event);
    if (value === undefined) continue;
    if (mapping.tokens.includes("id")) api.idToken.setCustomClaim(mapping.name, value);
    if (mapping.tokens.includes("access")) api.accessToken.setCustomClaim(mapping.name, value);
  }
};
