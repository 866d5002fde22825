import type { ResourceServerRecord } from "../../live/records";
import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetimeForWeb } from "../../spec/token-lifetimes";

/**
 * The one list of an API's settings: the spec's field, which is also the provider's input (auth0.ResourceServer) and
 * the live snapshot's field; the Management API's field; how a record's value reads (Auth0's default when absent);
 * and the spec's default, which an import leaves out. The model, the review, drift, the live snapshot, import and
 * `adopt:`'s ignorable inputs all read it, in this order (the model's input order).
 */
export interface ApiSetting<N extends string = string> {
  name: N;
  wire: keyof ResourceServerRecord & string;
  /** The live value of a Management API record (Auth0's default when the record leaves it out). */
  read: (rs: ResourceServerRecord) => string | number | boolean;
  /** The spec's default for an API whose other settings are `api`: an import omits a value equal to it. Absent: always written. */
  specDefault?: (api: Record<string, unknown>) => unknown;
  /**
   * Declared only when the spec sets it: the model leaves the input out (the provider keeps Auth0's value: the field is
   * Optional and Computed), and drift compares it only when declared.
   */
  optional?: true;
}

const tokenLifetimeOf = (rs: ResourceServerRecord) => rs.token_lifetime ?? DEFAULT_TOKEN_LIFETIME;

export const API_SETTINGS = [
  { name: "name", wire: "name", read: (rs) => rs.name ?? rs.identifier },
  { name: "signingAlg", wire: "signing_alg", read: (rs) => (rs.signing_alg ?? "RS256").toUpperCase(), specDefault: () => "RS256" },
  { name: "tokenLifetime", wire: "token_lifetime", read: tokenLifetimeOf, specDefault: () => DEFAULT_TOKEN_LIFETIME },
  {
    name: "tokenLifetimeForWeb",
    wire: "token_lifetime_for_web",
    read: (rs) => rs.token_lifetime_for_web ?? defaultTokenLifetimeForWeb(tokenLifetimeOf(rs)),
    specDefault: (api) => defaultTokenLifetimeForWeb(Number(api.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME)),
  },
  {
    name: "allowOfflineAccess",
    wire: "allow_offline_access",
    read: (rs) => rs.allow_offline_access ?? false,
    specDefault: () => false,
  },
  {
    name: "skipConsentForVerifiableFirstPartyClients",
    wire: "skip_consent_for_verifiable_first_party_clients",
    read: (rs) => rs.skip_consent_for_verifiable_first_party_clients ?? false,
    // The spec's default is true (Auth0's is false).
    specDefault: () => true,
  },
  // Role-based access control: Optional and Computed in terraform-provider-auth0 v1.53.0
  // internal/auth0/resourceserver/resource.go (enforce_policies, token_dialect).
  {
    name: "enforcePolicies",
    wire: "enforce_policies",
    read: (rs) => rs.enforce_policies ?? false,
    specDefault: () => false,
    optional: true,
  },
  {
    name: "tokenDialect",
    wire: "token_dialect",
    read: (rs) => rs.token_dialect ?? "access_token",
    specDefault: () => "access_token",
    optional: true,
  },
] as const satisfies readonly ApiSetting[];

/**
 * The access token dialects an API may issue (terraform-provider-auth0 v1.53.0 internal/auth0/resourceserver/resource.go,
 * token_dialect's StringInSlice); the `_authz` ones carry the user's permissions, with enforcePolicies on.
 */
export const TOKEN_DIALECTS = ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"] as const;

export type ApiSettingName = (typeof API_SETTINGS)[number]["name"];
export const API_SETTING_NAMES = API_SETTINGS.map((s) => s.name);
