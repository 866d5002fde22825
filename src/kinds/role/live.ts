import type { RolePermissionRecord, RoleRecord } from "../../live/records";

export interface LivePermission {
  /** The API's identifier (audience). */
  api: string;
  scope: string;
}

export interface LiveRole {
  id: string;
  name: string;
  description: string;
  /** Sorted by API, then scope. */
  permissions: LivePermission[];
}

export function liveRole(r: RoleRecord, permissions: RolePermissionRecord[]): LiveRole {
  return {
    id: r.id,
    name: r.name,
    description: r.description ?? "",
    permissions: permissions
      .map((p) => ({ api: p.resource_server_identifier, scope: p.permission_name }))
      .sort((a, b) => a.api.localeCompare(b.api) || a.scope.localeCompare(b.scope)),
  };
}
