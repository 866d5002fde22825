import { z } from "zod";
import { isMapping } from "../../dict";
import { didYouMean, formatPath, listOrNone, type SpecIssue } from "../../spec/issues";
import { parseAt } from "../../spec/parse";
import { resourceKey } from "../../spec/schema";
import { strictObject } from "../../spec/strict";
import { ACTION_LIMITS, TRIGGER_IDS, TRIGGERS, type Trigger } from "../../spec/triggers";
import type { KindSpec } from "../kind-spec";
import type { ActionSpec } from "../action/spec";

const triggersSchema = strictObject(
  Object.fromEntries(
    TRIGGER_IDS.map((t) => [
      t,
      z
        .array(resourceKey)
        .max(ACTION_LIMITS.actionsPerTrigger, { error: `at most ${ACTION_LIMITS.actionsPerTrigger} actions per trigger (an Auth0 limit)` })
        .optional(),
    ]),
  ) as Record<Trigger, z.ZodOptional<z.ZodArray<typeof resourceKey>>>,
);

/** A trigger's bindings: the action keys it runs, in order (always both triggers, possibly empty). */
export const triggerSpec = {
  at: "triggers.<trigger>",
  schema: triggersSchema,
  envelope: { triggers: z.unknown().optional() },
  section: "triggers" as const,
  parse: ({ given, errors }) => {
    const triggers = (parseAt(triggersSchema, given.triggers ?? {}, ["triggers"], errors) ?? {}) as Partial<Record<Trigger, string[]>>;
    const bindings = {} as Record<Trigger, string[]>;
    for (const trigger of TRIGGER_IDS) bindings[trigger] = triggers[trigger] ?? [];
    return bindings;
  },
  /** Each bound action is declared, bound once, written for this trigger; no two set one claim; none is left unbound. */
  check: (tenant: { actions: Record<string, ActionSpec>; triggers: Record<Trigger, string[]> }, { given, errors, warnings }) => {
    const { actions, triggers: bindings } = tenant;
    const declared = isMapping(given.actions) ? Object.keys(given.actions) : [];
    for (const trigger of TRIGGER_IDS) {
      const keys = bindings[trigger];
      const seen = new Set<string>();
      keys.forEach((key, i) => {
        const at = formatPath(["triggers", trigger, i]);
        if (seen.has(key))
          errors.push({ path: at, code: "duplicate", message: `action "${key}" is bound twice (each action runs once per trigger)` });
        seen.add(key);
        if (!declared.includes(key)) {
          errors.push({
            path: at,
            code: "not_declared",
            message: `action "${key}" is not declared (${didYouMean(key, declared)}declared: ${listOrNone(declared)})`,
          });
          return;
        }
        const action = actions[key];
        if (action && action.trigger !== trigger) {
          errors.push({
            path: at,
            code: "wrong_trigger",
            message: `action "${key}" is written for ${action.trigger} (its handler is ${TRIGGERS[action.trigger].handler}); bind it under triggers.${action.trigger}`,
          });
        }
      });
      checkDuplicateClaims(
        trigger,
        keys.map((k) => actions[k]).filter((a): a is ActionSpec => a?.trigger === trigger),
        errors,
      );
    }
    for (const key of Object.keys(actions)) {
      if (!TRIGGER_IDS.some((t) => bindings[t].includes(key))) {
        warnings.push({
          path: formatPath(["actions", key]),
          code: "not_bound",
          message: "is not bound to any trigger: it will be deployed but never runs (add it under triggers)",
        });
      }
    }
  },
} satisfies KindSpec<Record<Trigger, string[]>>;

/** Two actions on one trigger setting the same claim on the same token: the later silently wins. */
function checkDuplicateClaims(trigger: Trigger, bound: ActionSpec[], errors: SpecIssue[]) {
  const owner = new Map<string, string>();
  for (const action of bound) {
    action.claims.forEach((c, i) => {
      for (const token of c.tokens) {
        const id = `${token}\u0000${c.name}`;
        const first = owner.get(id);
        if (first && first !== action.key) {
          errors.push({
            path: formatPath(["actions", action.key, "claims", i, "name"]),
            code: "claim_conflict",
            message: `claim "${c.name}" is also set on the ${token} token by action ${first} on ${trigger} (one claim, one owner)`,
          });
        } else owner.set(id, action.key);
      }
    });
  }
}
