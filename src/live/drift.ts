import { KIND_NAMES, KINDS } from "../kinds";
import type { Correspondence, DriftContext, LiveTenant } from "../kinds/live";
import type { LiveAction } from "../kinds/action/live";
import type { LiveApi } from "../kinds/api/live";
import type { LiveClient } from "../kinds/application/live";
import { adoptKeyOf } from "../spec/adopt";
import type { Plan } from "../plan";
import { RISK_ORDER, type Change, type Finding, type Risk } from "../review/changes";
import { byRisk, type ReviewReport } from "../review/review";
import { riskOf } from "../review/risk";

export type { Correspondence } from "../kinds/live";

/**
 * Drift: the live tenant against the stack's plan, in the review's terms (change kinds, risk rules, renderer), so a
 * scheduled job can fail on it like a pull request fails on its review. Reported: fields changed by hand on managed
 * resources; managed resources gone; and what exists outside the spec — applications, APIs, scopes, grants, keys
 * (and client secrets), actions and bindings — except what `unmanaged:` acknowledges. Each kind compares its own
 * objects (src/kinds/<kind>/drift.ts).
 */

/**
 * Finds each declared resource in the tenant: applications by the client id `adopt:` or the last deployment gives,
 * else by their (unique) name; APIs by identifier; actions by the id `adopt:` gives, else by name.
 */
export function correspond(plan: Plan, live: LiveTenant, deployedClientIds: Record<string, string> = {}): Correspondence {
  const { spec, model } = plan;
  const adopted = (r: { type: string; name: string }) => spec.adopt[adoptKeyOf(r)];
  const apis = new Map<string, LiveApi>();
  for (const api of Object.values(spec.apis)) {
    const byId = adopted(model.apis[api.key]!.resourceServer);
    const found = live.apis.find((a) => (byId !== undefined && a.id === byId) || a.identifier === api.identifier);
    if (found) apis.set(api.key, found);
  }
  const apps = new Map<string, LiveClient>();
  const appSource = new Map<string, "adopt" | "last deployment" | "name">();
  for (const app of Object.values(spec.applications)) {
    const adoptedId = adopted(model.applications[app.key]!.client);
    const deployed = deployedClientIds[app.key];
    const id = adoptedId ?? deployed;
    const byName = live.clients.filter((c) => c.name === app.name);
    const found = id !== undefined ? live.clients.find((c) => c.clientId === id) : byName.length === 1 ? byName[0] : undefined;
    if (found) {
      apps.set(app.key, found);
      appSource.set(app.key, adoptedId !== undefined ? "adopt" : deployed !== undefined ? "last deployment" : "name");
    }
  }
  const actions = new Map<string, LiveAction>();
  for (const action of Object.values(spec.actions)) {
    const id = adopted(model.actions[action.key]!.action);
    const found = live.actions.find((a) => (id !== undefined ? a.id === id : a.name === action.name));
    if (found) actions.set(action.key, found);
  }
  return { apis, apps, actions, appSource };
}

/** Every drift finding for one stack: the review's change kinds and words, made by hand in the tenant (origin "live"). */
export function driftFindings(plan: Plan, live: LiveTenant, deployedClientIds: Record<string, string> = {}): Finding[] {
  const match = correspond(plan, live, deployedClientIds);
  const apiKeyByAudience = new Map<string, string>();
  for (const [key, api] of match.apis) apiKeyByAudience.set(api.identifier, key);
  for (const api of Object.values(plan.spec.apis)) apiKeyByAudience.set(api.identifier, api.key);
  const managedClients = new Map([...match.apps].map(([key, c]) => [c.clientId, key]));
  const ctx: DriftContext = { plan, live, match, apiKeyByAudience, managedClients };
  return KIND_NAMES.flatMap((k) => KINDS[k].live.drift(ctx) as Finding[]).map((f) => ({ ...f, origin: "live" }));
}

/** The drift report of one stack, shaped like the review's, so renderMarkdown, renderJson and --fail-on work as for a review. */
export function driftReport(
  plan: Plan,
  live: LiveTenant,
  options: { deployedClientIds?: Record<string, string>; readAt?: Date } = {},
): ReviewReport {
  const stack = plan.stack;
  const changes: Change[] = driftFindings(plan, live, options.deployedClientIds)
    .map((f) => ({ ...f, stack, risk: riskOf(f, stack) }))
    .sort(byRisk);
  const counts = Object.fromEntries(RISK_ORDER.map((r) => [r, 0])) as Record<Risk, number>;
  for (const c of changes) counts[c.risk]++;
  const base = `tenant ${live.domain} (live${options.readAt ? `, read ${options.readAt.toISOString()}` : ""})`;
  const head = `Pulumi.${stack}.yaml (the plan)`;
  return {
    title: `Auth0 drift: ${base} against ${head}`,
    base,
    head,
    stacks: [{ stack, status: changes.length > 0 ? "changed" : "unchanged", changes }],
    counts,
  };
}
