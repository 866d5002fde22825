import { TRIGGER_IDS, type Trigger } from "../../spec/triggers";
import type { ActionChange } from "../action/review";
import type { DriftContext } from "../live";
import type { Finding } from "../vocabulary";
import type { TriggerChange } from "./review";

/** Each trigger's bindings against the spec's: actions bound by hand, this stack's actions unbound or reordered. */
export function triggerDrift({ plan, live, match }: DriftContext): Finding<TriggerChange | ActionChange>[] {
  const { spec } = plan;
  const out: Finding<TriggerChange | ActionChange>[] = [];
  const ours = new Map([...match.actions].map(([key, a]) => [a.id, key]));
  const triggers = [...new Set([...TRIGGER_IDS, ...Object.keys(live.bindings)])];
  for (const trigger of triggers) {
    const declared = spec.triggers[trigger as Trigger] ?? [];
    const want = declared.map((k) => match.actions.get(k)?.id ?? `(missing ${k})`);
    const have = live.bindings[trigger] ?? [];
    for (const b of have.filter((b) => !ours.has(b.actionId))) {
      const a = live.actions.find((x) => x.id === b.actionId);
      out.push({
        section: "actions",
        kind: "action.added",
        subject: trigger,
        text: `${trigger} runs ${b.displayName || b.actionName}, an action this stack does not manage${a?.marketplace ? " (a marketplace integration)" : ""}${want.length === 0 ? " (the spec binds nothing to this trigger, so pulumi up leaves it)" : " (pulumi up unbinds it)"}`,
      });
    }
    const haveOurs = have.filter((b) => ours.has(b.actionId)).map((b) => b.actionId);
    const wantPresent = want.filter((id) => haveOurs.includes(id));
    for (const key of declared) {
      const id = match.actions.get(key)?.id;
      if (id && !haveOurs.includes(id))
        out.push({
          section: "actions",
          kind: "binding.order-changed",
          subject: trigger,
          text: `${key} is no longer bound to ${trigger} in the tenant`,
        });
    }
    if (JSON.stringify(haveOurs.filter((id) => want.includes(id))) !== JSON.stringify(wantPresent))
      out.push({
        section: "actions",
        kind: "binding.order-changed",
        subject: trigger,
        text: `${trigger} runs this stack's actions in another order in the tenant: ${haveOurs.map((id) => ours.get(id)).join(" → ")} (the spec: ${declared.join(" → ")})`,
      });
    for (const b of have.filter((b) => ours.has(b.actionId))) {
      const key = ours.get(b.actionId)!;
      if (!declared.includes(key))
        out.push({
          section: "actions",
          kind: "binding.order-changed",
          subject: trigger,
          text: `${trigger} runs ${key}, which the spec does not bind there`,
        });
    }
  }
  return out;
}
