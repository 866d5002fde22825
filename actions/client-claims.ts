import type { CredentialsExchangeApi, CredentialsExchangeEvent } from "./lib/auth0";
import { actionConfig, claimValue, denyReason } from "./lib/mapping";

/**
 * credentials-exchange: adds per-client claims to M2M access tokens from the application's metadata declared in
 * the spec (e.g. tenant_id, tier), and denies a client that the spec marks as disabled, with the declared reason.
 */
export const onExecuteCredentialsExchange = async (event: CredentialsExchangeEvent, api: CredentialsExchangeApi): Promise<void> => {
  const deny = denyReason(actionConfig.deny, event);
  if (deny) {
    api.access.deny(deny.code, deny.reason);
    return;
  }
  for (const mapping of actionConfig.claims) {
    const value = claimValue(mapping, event);
    if (value !== undefined) api.accessToken.setCustomClaim(mapping.name, value);
  }
};
