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
 * Reads the whole tenant: the paged lists (clients, grants, APIs, actions, roles), one credentials call per client
 * and one permissions call per role (bounded concurrency), and one bindings call per trigger that an action
 * supports. No call per grant or scope.
 */
export async function readTenant(reader: TenantReader): Promise<LiveTenant> {
  const [clients, grants, apis, actions, roles] = await Promise.all([
    reader.clients(),
    reader.grants(),
    reader.resourceServers(),
    reader.actions(),
    reader.roles(),
  ]);
  const triggers = [...new Set([...TRIGGER_IDS, ...actions.flatMap((a) => (a.supported_triggers ?? []).map((t) => t.id))])].sort();
  const [credentials, bindings, permissions] = await Promise.all([
    reader.credentialsOf(clients.map((c) => c.client_id)),
    reader.bindingsOf(triggers),
    reader.rolePermissionsOf(roles.map((r) => r.id)),
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
    roles: roles.map((r) => liveRole(r, permissions.get(r.id) ?? [])),
  };
}
