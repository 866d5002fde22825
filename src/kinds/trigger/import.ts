import { RESOURCE_TYPES } from "../../model/desired";
import { adoptKeyOf } from "../../spec/adopt";
import { TRIGGERS, type Trigger } from "../../spec/triggers";
import type { KindImport } from "../import-context";

/** Each trigger's bindings, in their current order, when every action bound there was imported. */
export const triggerImport: KindImport = {
  section: { key: "triggers", title: ["Binding order = execution order, as in the tenant."] },
  run: (ctx) => {
    const triggers: Record<string, unknown> = {};
    for (const trigger of Object.keys(TRIGGERS) as Trigger[]) {
      const bound = ctx.live.bindings[trigger] ?? [];
      if (bound.length === 0) continue;
      const keys = bound.map((b) => ctx.keys.actionById.get(b.actionId));
      if (keys.some((k) => k === undefined)) {
        const missing = bound.filter((b) => !ctx.keys.actionById.has(b.actionId)).map((b) => b.displayName || b.actionName);
        ctx.skipped.push({
          subject: `trigger ${trigger}`,
          text: `left unmanaged: its bindings include ${missing.join(", ")}, which the spec cannot declare, and declaring the trigger would unbind them. pulumi up leaves its bindings alone`,
        });
        continue;
      }
      triggers[trigger] = keys as string[];
      const renamed = bound.filter((b) => b.displayName !== ctx.live.actions.find((a) => a.id === b.actionId)?.name);
      ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.TriggerActions, name: trigger }), trigger, renamed.length > 0 ? ["actions"] : []);
      for (const b of renamed)
        ctx.updates.push({
          subject: `trigger ${trigger}`,
          text: `the binding shown as "${b.displayName}" gets its action's name "${b.actionName}" as display name (the bindings are sent again, same actions, same order)`,
        });
    }
    ctx.sections.triggers = triggers as Record<string, Record<string, unknown>>;
  },
};
