import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { triggerKindModel } from "./model";
import { triggerSpec } from "./spec";
import { triggerDrift } from "./drift";
import { triggerImport } from "./import";
import { TRIGGER_RISK, triggerDetector, type TriggerChange } from "./review";

/** A trigger's bindings: the actions it runs, in order (one resource per trigger). */
export const trigger = {
  spec: triggerSpec,
  model: triggerKindModel,
  types: { [RESOURCE_TYPES.TriggerActions]: ["binding.order-changed"] },
  fields: ["actions"],
  plan: { [RESOURCE_TYPES.TriggerActions]: "Actions (in binding order)" },
  review: { risk: TRIGGER_RISK, detector: triggerDetector },
  // Drift reports actions bound by hand as the action kind's "action.added".
  live: { drift: triggerDrift, import: triggerImport },
} satisfies Kind<typeof RESOURCE_TYPES.TriggerActions, TriggerChange>;
