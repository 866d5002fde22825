import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { actionKindModel } from "./model";
import { actionSpec } from "./spec";
import { actionDrift } from "./drift";
import { actionImport } from "./import";
import { ACTION_RISK, actionDetector, type ActionChange } from "./review";

/** A custom-claims Action: its code (bundled, or as written), runtime, secrets, claims and deny rule. */
export const action = {
  spec: actionSpec,
  model: actionKindModel,
  types: {
    [RESOURCE_TYPES.Action]: [
      "action.added",
      "action.removed",
      "action.code-changed",
      "action.deny-changed",
      "action.secrets-changed",
      "action.runtime-changed",
      "action.undeployed-edit",
      "action.unbound",
      "claim.added",
      "claim.removed",
      "claim.changed",
    ],
  },
  fields: ["name", "code", "runtime", "secrets", "deploy"],
  plan: { [RESOURCE_TYPES.Action]: "Actions (in binding order)" },
  review: { risk: ACTION_RISK, detector: actionDetector },
  live: { drift: actionDrift, import: actionImport },
} satisfies Kind<typeof RESOURCE_TYPES.Action, ActionChange>;
