import { adoptKeyOf } from "../../spec/adopt";
import type { DriftContext } from "../live";
import { list, type Finding } from "../vocabulary";
import type { LiveRole } from "./live";
import { ROLE_FIELDS } from "./fields";
import type { RoleChange } from "./review";

/**
 * Each declared role against the tenant's (found by the id `adopt:` gives, else by name): its name and description,
 * each permission (by API identifier and scope); and the roles the tenant has beyond the spec.
 */
export function roleDrift({ plan, live, apiKeyByAudience }: DriftContext): Finding<RoleChange>[] {
  const { spec, model } = plan;
  const out: Finding<RoleChange>[] = [];
  const ours = new Set<string>();
  const audienceOf = (apiKey: string) => spec.apis[apiKey]!.identifier;
  for (const role of Object.values(spec.roles ?? {})) {
    const id = spec.adopt[adoptKeyOf(model.roles[role.key]!.role)];
    const found: LiveRole | undefined = live.roles.find((r) => (id !== undefined ? r.id === id : r.name === role.name));
    if (!found) {
      out.push({
        section: "roles",
        kind: "role.removed",
        subject: role.key,
        text: `role ${role.key} (${role.name}) is not in the tenant (deleted by hand?)`,
      });
      continue;
    }
    ours.add(found.id);
    const inputs = model.roles[role.key]!.role.inputs;
    const want: Record<string, string> = { name: inputs.name, description: String(inputs.description) };
    for (const field of ROLE_FIELDS)
      if (found[field] !== want[field])
        out.push({
          section: "roles",
          kind: "role.setting-changed",
          subject: role.key,
          text: `role ${role.key}: ${field} is ${JSON.stringify(found[field])} in the tenant (the spec says ${JSON.stringify(want[field])})`,
        });
    // Compared as (API, scope) pairs: the tenant's identifiers and scopes may hold any character.
    const declared = Object.entries(role.permissions).flatMap(([api, scopes]) => scopes.map((scope) => ({ api: audienceOf(api), scope })));
    const held = found.permissions;
    const has = (list: { api: string; scope: string }[], p: { api: string; scope: string }) =>
      list.some((x) => x.api === p.api && x.scope === p.scope);
    for (const { api, scope } of held.filter((p) => !has(declared, p))) {
      out.push({
        section: "roles",
        kind: "role.permission-gained",
        subject: role.key,
        scope,
        text: `role ${role.key} holds ${scope} on ${apiKeyByAudience.get(api) ?? api} in the tenant (not in the spec)`,
      });
    }
    for (const { api, scope } of declared.filter((p) => !has(held, p))) {
      out.push({
        section: "roles",
        kind: "role.permission-lost",
        subject: role.key,
        scope,
        text: `role ${role.key} lost ${scope} on ${apiKeyByAudience.get(api) ?? api} in the tenant`,
      });
    }
  }
  for (const r of live.roles)
    if (!ours.has(r.id))
      out.push({
        section: "roles",
        kind: "role.added",
        subject: r.name,
        text: `role ${r.name} (${r.id}) is not managed by this stack`,
        details: [`permissions: ${list(r.permissions.map((p) => `${p.scope} on ${apiKeyByAudience.get(p.api) ?? p.api}`))}`],
      });
  return out;
}
