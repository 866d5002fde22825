import { TRIGGER_IDS } from "../../spec/triggers";
import { byHand, type Detector, type Finding, type Rule } from "../vocabulary";

/** Bound, unbound or reordered: code that runs on every login or token; by hand, changed without review. */
export const TRIGGER_RISK = {
  "binding.order-changed": byHand(() => "medium", "high", "medium"),
} as const satisfies Record<`binding.${string}`, Rule>;
export type TriggerChange = keyof typeof TRIGGER_RISK;

/** Each trigger's binding order (execution order). */
export const triggerDetector: Detector<TriggerChange> = {
  detect: ({ base, head }) => {
    const out: Finding<TriggerChange>[] = [];
    for (const t of TRIGGER_IDS) {
      const b = base?.model.bindings[t] ?? [];
      const a = head?.model.bindings[t] ?? [];
      if (b.join(",") !== a.join(",")) {
        out.push({
          section: "actions",
          kind: "binding.order-changed",
          subject: t,
          text: `${t} runs ${a.join(" → ") || "no actions"} (was ${b.join(" → ") || "no actions"})`,
        });
      }
    }
    return out;
  },
};
