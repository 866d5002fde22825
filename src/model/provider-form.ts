/**
 * Values in the form the Auth0 provider stores them back into state. Declaring any other spelling makes every
 * preview show a change that never clears, so the model writes these forms (and the plan shows them).
 * Provider: terraform-provider-auth0 v1.53.0, as wrapped by @pulumi/auth0 3.49.
 */

const providerTimes = new Map<string, string>();

/**
 * A credential's `expires_at`: internal/auth0/client/flatten.go formats it with the layout
 * "2006-01-02T15:04:05.000Z07:00" (UTC, milliseconds), and the credential set's hash
 * (client/resource_credentials_schema.go, privateKeyJWTCredentialSetHash) includes the raw string.
 */
export function providerTime(iso: string): string {
  let time = providerTimes.get(iso);
  if (time === undefined) {
    time = new Date(iso).toISOString();
    // A tenant's credentials share a few dates: each is converted once (a long-running process keeps a bounded number).
    if (providerTimes.size >= 10_000) providerTimes.clear();
    providerTimes.set(iso, time);
  }
  return time;
}

/**
 * A client grant's `scopes` is an ordered list (client/resource_grant.go) read back in the order the Management API
 * returns it (client/flatten.go). Sorted scopes read back the same whether Auth0 keeps our order or sorts them, so
 * a grant is declared with its scopes sorted.
 */
export const grantScopes = (scopes: readonly string[]): string[] => [...scopes].sort();
