import { payloadError } from "./errors";

/**
 * The tenant settings the local tenant models (`GET/PATCH /api/v2/tenants/settings`): `default_audience`, the API
 * a token request without `audience` gets a token for (Auth0: "Default Audience" under the tenant's API
 * Authorization Settings; support.auth0.com, "Value of the Audience Attribute in Access Token Requests and its
 * Significance": a tenant's default audience is applied to requests that name none; the empty string clears it). The other settings are Auth0's alone: a PATCH of one is refused
 * rather than acknowledged and dropped.
 */
export interface TenantSettings {
  default_audience?: string;
}

export const MODELLED_SETTINGS = ["default_audience"] as const;

export function updateTenantSettings(settings: TenantSettings, body: unknown): TenantSettings {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw payloadError("Expected type object but found type " + typeof body);
  const other = Object.keys(body).filter((k) => !(MODELLED_SETTINGS as readonly string[]).includes(k));
  if (other.length > 0) throw payloadError(`the local tenant models ${MODELLED_SETTINGS.join(", ")} only, not ${other.join(", ")}`);
  const audience = (body as { default_audience?: unknown }).default_audience;
  if (audience !== undefined) {
    if (typeof audience !== "string") throw payloadError(`Expected type string but found type ${typeof audience}`, "default_audience");
    if (audience === "") delete settings.default_audience;
    else settings.default_audience = audience;
  }
  return settings;
}

/** The body Auth0 answers with: the modelled settings that are set. */
export const tenantSettingsView = (settings: TenantSettings): TenantSettings => ({ ...settings });
