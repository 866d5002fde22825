import type { DriftContext } from "../live";
import { list, type Finding } from "../vocabulary";
import type { ApiChange } from "./review";
import { API_SETTINGS } from "./fields";

/** Each declared API against the tenant's (settings and scopes), and the APIs the tenant has beyond the spec. */
export function apiDrift({ plan, live, match, apiKeyByAudience }: DriftContext): Finding<ApiChange>[] {
  const out: Finding<ApiChange>[] = [];
  for (const api of Object.values(plan.spec.apis)) {
    const l = match.apis.get(api.key);
    if (!l) {
      out.push({
        section: "apis",
        kind: "api.removed",
        subject: api.key,
        text: `API ${api.key} (${api.identifier}) is not in the tenant (deleted by hand?); pulumi up recreates it`,
      });
      continue;
    }
    for (const { name: field, ...setting } of API_SETTINGS)
      if (api[field] !== l[field] && !("optional" in setting && api[field] === undefined))
        out.push({
          section: "apis",
          kind: "api.setting-changed",
          subject: api.key,
          text: `API ${api.key}: ${field} is ${JSON.stringify(l[field])} in the tenant (the spec says ${JSON.stringify(api[field])})`,
        });
    const liveScopes = new Map(l.scopes.map((s) => [s.name, s.description]));
    for (const [scope, description] of Object.entries(api.scopes)) {
      if (!liveScopes.has(scope))
        out.push({
          section: "apis",
          kind: "api.scope-removed",
          subject: api.key,
          scope,
          text: `API ${api.key}: scope ${scope} is gone from the tenant (grants that ask for it fail)`,
        });
      else if (liveScopes.get(scope) !== description)
        out.push({
          section: "apis",
          kind: "api.setting-changed",
          subject: api.key,
          scope,
          text: `API ${api.key}: scope ${scope} is described ${JSON.stringify(liveScopes.get(scope))} in the tenant (the spec says ${JSON.stringify(description)})`,
        });
    }
    for (const scope of liveScopes.keys())
      if (!Object.hasOwn(api.scopes, scope))
        out.push({
          section: "apis",
          kind: "api.scope-added",
          subject: api.key,
          scope,
          text: `API ${api.key} has scope ${scope}, which the spec does not declare`,
        });
  }
  for (const l of live.apis) {
    if (l.system || apiKeyByAudience.has(l.identifier)) continue;
    out.push({
      section: "apis",
      kind: "api.added",
      subject: l.identifier,
      text: `API ${l.name} (${l.identifier}) is not managed by this stack`,
      details: [`scopes: ${list(l.scopes.map((s) => s.name))}`],
    });
  }
  return out;
}
