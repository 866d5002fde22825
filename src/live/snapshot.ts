import { TRIGGER_IDS } from "../spec/triggers";
import { liveAction } from "../kinds/action/live";
import { liveApi } from "../kinds/api/live";
import { liveClient } from "../kinds/application/live";
import { liveGrant } from "../kinds/grant/live";
import type { LiveTenant } from "../kinds/live";
import { liveRole } from "../kinds/role/live";
import { liveBinding } from "../kinds/trigger/live";
import type { TenantReader } from "./reader";

export type { LiveTenant } from "../kinds/live";
export { liveAction, type LiveAction } from "../kinds/action/live";
export { liveApi, type LiveApi } from "../kinds/api/live";
export { liveClient, type LiveClient, type LiveCredential } from "../kinds/application/live";
export { liveGrant, type LiveGrant } from "../kinds/grant/live";
export { liveBinding, type LiveBinding } from "../kinds/trigger/live";
export { liveRole, type LiveRole } from "../kinds/role/live";

/**
 * Reads the whole tenant: the paged lists (clients, grants, APIs, actions), one credentials call per client
 * (bounded concurrency), and one bindings call per trigger that an action supports. No call per grant or scope.
 */
export async function readTenant(reader: TenantReader, options: { roles?: boolean } = {}): Promise<LiveTenant> {
  const [clients, grants, apis, actions] = await Promise.all([
    reader.clients(),
    reader.grants(),
    reader.resourceServers(),
    reader.actions(),
  ]);
  const triggers = [...new Set([...TRIGGER_IDS, ...actions.flatMap((a) => (a.supported_triggers ?? []).map((t) => t.id))])].sort();
  const [credentials, bindings, roles] = await Promise.all([
    reader.credentialsOf(clients.map((c) => c.client_id)),
    reader.bindingsOf(triggers),
    options.roles ? readRoles(reader) : undefined,
  ]);
  reader.done();
  return {
    domain: reader.settings.domain,
    readerClientId: reader.settings.clientId,
    clients: clients.map((c) => liveClient(c, credentials.get(c.client_id) ?? [])),
    apis: apis.map(liveApi),
    grants: grants.map(liveGrant),
    actions: actions.map(liveAction),
    bindings: Object.fromEntries(triggers.map((t) => [t, (bindings.get(t) ?? []).map((b) => liveBinding(t, b))])),
    ...(roles ? { roles } : {}),
  };
}

/** Every role with its permissions: the list, then one permissions list per role (bounded concurrency). */
async function readRoles(reader: TenantReader) {
  const roles = await reader.roles();
  const permissions = await reader.rolePermissionsOf(roles.map((r) => r.id));
  return roles.map((r) => liveRole(r, permissions.get(r.id) ?? []));
}
