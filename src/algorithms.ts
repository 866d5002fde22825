/**
 * The algorithms Auth0 accepts for a private_key_jwt credential, and so for a client assertion signed with it
 * (terraform-provider-auth0 v1.53.0 internal/auth0/client/resource_credentials_schema.go, `algorithm`).
 */
export const CREDENTIAL_ALGORITHMS = ["RS256", "RS384", "PS256"] as const;
export type CredentialAlgorithm = (typeof CREDENTIAL_ALGORITHMS)[number];
