import type { DriftContext } from "../live";
import { list, type Finding } from "../vocabulary";
import { runtimeText, type ActionChange } from "./review";

/** Each declared action against the tenant's (code, runtime, secret names), and actions that run nowhere. */
export function actionDrift({ plan, live, match }: DriftContext): Finding<ActionChange>[] {
  const { spec, model } = plan;
  const out: Finding<ActionChange>[] = [];
  const ours = new Set([...match.actions.values()].map((a) => a.id));
  for (const action of Object.values(spec.actions)) {
    const l = match.actions.get(action.key);
    if (!l) {
      out.push({
        section: "actions",
        kind: "action.removed",
        subject: action.key,
        text: `action ${action.key} is not in the tenant (deleted by hand?)`,
      });
      continue;
    }
    const bundle = model.actions[action.key]!.bundle;
    if (l.deployedCode !== bundle.code)
      out.push({
        section: "actions",
        kind: "action.code-changed",
        subject: action.key,
        text: `action ${action.key}: the code Auth0 runs is not the plan's (${l.deployedCode === undefined ? "no version deployed" : "deployed by hand"}): sha256 ${bundle.sha256.slice(0, 16)} in the plan`,
      });
    else if (l.undeployedChanges)
      out.push({
        section: "actions",
        kind: "action.undeployed-edit",
        subject: action.key,
        text: `action ${action.key} has undeployed edits in the dashboard (pulumi up overwrites them)`,
      });
    if (l.runtime !== action.runtime)
      out.push({
        section: "actions",
        kind: "action.runtime-changed",
        subject: action.key,
        text: `${runtimeText(action.key, action.runtime, l.runtime)} in the tenant`,
      });
    const secrets = action.secrets.map((s) => s.name).sort();
    if (JSON.stringify(secrets) !== JSON.stringify(l.secrets))
      out.push({
        section: "actions",
        kind: "action.secrets-changed",
        subject: action.key,
        text: `action ${action.key}: secrets ${list(l.secrets)} in the tenant (the spec names ${list(secrets)})`,
      });
  }
  const bound = new Set(Object.values(live.bindings).flatMap((bs) => bs.map((b) => b.actionId)));
  for (const l of live.actions)
    if (!ours.has(l.id) && !bound.has(l.id))
      out.push({
        section: "actions",
        kind: "action.unbound",
        subject: l.name,
        text: `action ${l.name} (${l.trigger}) is not managed by this stack; it is bound to no trigger, so it never runs`,
      });
  return out;
}
