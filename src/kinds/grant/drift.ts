import { grantsOf } from "../application/spec";
import type { DriftContext } from "../live";
import { SENSITIVE_SCOPE, type Finding } from "../vocabulary";
import type { LiveGrant } from "./live";
import type { GrantChange } from "./review";

const sensitive = (scopes: string[]) => scopes.find((s) => SENSITIVE_SCOPE.test(s)) ?? scopes[0];

/**
 * Every client's grants against what it should hold: a managed application's on declared APIs as the spec says, on
 * others only as acknowledged under unmanaged:; an acknowledged client's as listed there; any other client's none.
 */
export function grantDrift({ plan, live, match, apiKeyByAudience, managedClients }: DriftContext): Finding<GrantChange>[] {
  const { spec } = plan;
  const out: Finding<GrantChange>[] = [];
  const grantsByClient = new Map<string, LiveGrant[]>();
  for (const g of live.grants) grantsByClient.set(g.clientId, [...(grantsByClient.get(g.clientId) ?? []), g]);
  const audienceName = (audience: string) => apiKeyByAudience.get(audience) ?? audience;
  const extraGrants = (who: string, clientId: string, expected: Map<string, string[]>) => {
    for (const g of grantsByClient.get(clientId) ?? []) {
      const want = expected.get(g.audience);
      if (!want) {
        out.push({
          section: "access",
          kind: "grant.scope-gained",
          subject: who,
          ...(g.scopes.length ? { scope: sensitive(g.scopes)! } : {}),
          text: `${who} may get ${g.subjectType === "user" ? "user access tokens" : "tokens"} for ${audienceName(g.audience)} with ${g.scopes.join(" ") || "no scopes"}: a grant the spec does not declare`,
          details: [`grant ${g.id}`],
        });
        continue;
      }
      for (const scope of g.scopes.filter((s) => !want.includes(s)))
        out.push({
          section: "access",
          kind: "grant.scope-gained",
          subject: who,
          scope,
          text: `${who} gains ${scope} on ${audienceName(g.audience)} in the tenant (not in the spec)`,
        });
    }
  };
  for (const app of Object.values(spec.applications)) {
    const l = match.apps.get(app.key);
    if (!l) continue;
    const expected = new Map<string, string[]>();
    const grants = grantsOf(app);
    for (const [apiKey, scopes] of Object.entries(grants)) expected.set(spec.apis[apiKey]!.identifier, scopes);
    for (const [audience, scopes] of Object.entries(spec.unmanaged[l.clientId]?.grants ?? {})) expected.set(audience, scopes);
    extraGrants(app.key, l.clientId, expected);
    for (const [apiKey, scopes] of Object.entries(grants)) {
      const g = (grantsByClient.get(l.clientId) ?? []).find((x) => x.audience === spec.apis[apiKey]!.identifier);
      if (!g)
        out.push({
          section: "grants",
          kind: "grant.scope-lost",
          subject: app.key,
          text: `${app.key}'s grant on ${apiKey} is gone from the tenant: its token requests for ${apiKey} fail`,
        });
      else
        for (const scope of scopes.filter((s) => !g.scopes.includes(s)))
          out.push({
            section: "grants",
            kind: "grant.scope-lost",
            subject: app.key,
            scope,
            text: `${app.key} lost ${scope} on ${apiKey} in the tenant`,
          });
    }
  }
  for (const c of live.clients) {
    if (managedClients.has(c.clientId)) continue;
    const ack = spec.unmanaged[c.clientId];
    extraGrants(`${c.name} (${c.clientId})`, c.clientId, new Map(Object.entries(ack?.grants ?? {})));
  }
  return out;
}
