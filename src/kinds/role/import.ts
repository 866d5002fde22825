import { dict } from "../../dict";
import { RESOURCE_TYPES, rolePermissionsName } from "../../model/desired";
import { adoptKeyOf } from "../../spec/adopt";
import { keyFor, type KindImport } from "../import-context";

/** The tenant's roles whose every permission is on an imported API, each with its permissions by API key. */
export const roleImport: KindImport = {
  section: { key: "roles", title: ["Roles and their permissions (API key -> scopes), as in the tenant."] },
  run: (ctx) => {
    const used = new Set<string>();
    const roles = (ctx.sections.roles = dict());
    for (const r of ctx.live.roles) {
      const outside = r.permissions.filter((p) => !ctx.keys.apiByIdentifier.has(p.api));
      if (outside.length > 0) {
        ctx.skipped.push({
          subject: `role ${r.name}`,
          text: `holds permissions on APIs this import leaves out (${[...new Set(outside.map((p) => p.api))].join(", ")}); not imported`,
        });
        continue;
      }
      const scopesOf = (api: string) => ctx.live.apis.find((a) => a.identifier === api)?.scopes.map((x) => x.name) ?? [];
      const unknown = r.permissions.filter((p) => !scopesOf(p.api).includes(p.scope));
      if (unknown.length > 0) {
        ctx.skipped.push({
          subject: `role ${r.name}`,
          text: `holds permissions that are not scopes of their API (${unknown.map((p) => `${p.scope} on ${p.api}`).join(", ")}); not imported`,
        });
        continue;
      }
      const key = keyFor(r.name, "role", used);
      const permissions: Record<string, string[]> = {};
      for (const p of r.permissions) (permissions[ctx.keys.apiByIdentifier.get(p.api)!] ??= []).push(p.scope);
      roles[key] = {
        ...(r.name !== key ? { name: r.name } : {}),
        // Always written: leaving it out would set the provider's "Managed by Pulumi".
        description: r.description,
        ...(r.permissions.length > 0 ? { permissions } : {}),
      };
      ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.Role, name: key }), r.id);
      if (r.permissions.length > 0)
        ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.RolePermissions, name: rolePermissionsName(key) }), r.id);
    }
  },
};
