/**
 * The one list of an application's client settings: the provider's input (auth0.Client), the live snapshot's field,
 * and the words a report uses. The review, drift, import and `adopt:`'s ignorable inputs read it; drift's comparison
 * is a record over it (application/drift.ts), so a field added here and not compared does not compile.
 */
export const CLIENT_FIELDS = {
  name: { live: "name", label: "name" },
  description: { live: "description", label: "description" },
  appType: { live: "appType", label: "type" },
  grantTypes: { live: "grantTypes", label: "grant types" },
  oidcConformant: { live: "oidcConformant", label: "oidcConformant" },
  isFirstParty: { live: "isFirstParty", label: "isFirstParty" },
  jwtConfiguration: { live: "jwtAlg", label: "ID token signing algorithm" },
  callbacks: { live: "callbacks", label: "callback" },
  allowedLogoutUrls: { live: "allowedLogoutUrls", label: "logout URL" },
  webOrigins: { live: "webOrigins", label: "web origin" },
  clientMetadata: { live: "metadata", label: "metadata" },
} as const;
export type ClientField = keyof typeof CLIENT_FIELDS;
export const CLIENT_FIELD_NAMES = Object.keys(CLIENT_FIELDS) as ClientField[];

/** The URLs Auth0 sends an application's users to (and accepts requests from). */
export const URL_FIELDS = ["callbacks", "allowedLogoutUrls", "webOrigins"] as const satisfies readonly ClientField[];

/** The inputs of an application's credentials resource (auth0.ClientCredentials) that an adopt run may leave. */
export const CREDENTIALS_FIELDS = ["privateKeyJwt", "authenticationMethod"] as const;
