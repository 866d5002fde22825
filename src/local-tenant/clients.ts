import { hash } from "node:crypto";
import type { ApplicationSpec, TenantSpec } from "../kinds/specs";
import type { CredentialSpec } from "../spec/credentials";

/**
 * Auth0 generates client ids at deploy time, so the local tenant derives a stable one per stack and application:
 * 32 characters like Auth0's, the same on every start.
 */
export function localClientId(stack: string, appKey: string): string {
  const name = `auth0-tenant-local/${stack}/${appKey}`;
  let id = clientIds.get(name);
  if (id === undefined) {
    id = hash("sha256", name, "base64url").replace(/[-_]/g, "x").slice(0, 32);
    clientIds.set(name, id);
  }
  return id;
}
/** Every reader of a started tenant asks for the same ids (seed, token endpoint, listing): each is hashed once. */
const clientIds = new Map<string, string>();

/** The key id of a credential, as Auth0 generates it: the public key's RFC 7638 thumbprint (optional in an assertion). */
export const localKid = (credential: CredentialSpec) => credential.key.thumbprint;

export interface LocalClient {
  clientId: string;
  app: ApplicationSpec;
}

export function localClients(spec: TenantSpec): Map<string, LocalClient> {
  const clients = new Map<string, LocalClient>();
  for (const app of Object.values(spec.applications)) {
    if (!app.credentials || app.credentials.length === 0) continue;
    clients.set(localClientId(spec.stack, app.key), { clientId: localClientId(spec.stack, app.key), app });
  }
  return clients;
}
