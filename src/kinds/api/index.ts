import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { apiKindModel } from "./model";
import { apiSpec } from "./spec";
import { apiDrift } from "./drift";
import { API_SETTING_NAMES } from "./fields";
import { apiImport } from "./import";
import { API_RISK, apiDetector, type ApiChange } from "./review";

/** An API (resource server) and its scopes. */
export const api = {
  spec: apiSpec,
  model: apiKindModel,
  types: {
    [RESOURCE_TYPES.ResourceServer]: ["api.added", "api.removed", "api.identifier-changed", "api.setting-changed"],
    [RESOURCE_TYPES.ResourceServerScopes]: ["api.scope-added", "api.scope-removed"],
  },
  fields: API_SETTING_NAMES,
  plan: { [RESOURCE_TYPES.ResourceServer]: "APIs", [RESOURCE_TYPES.ResourceServerScopes]: "APIs" },
  review: { risk: API_RISK, detector: apiDetector },
  live: { drift: apiDrift, import: apiImport },
} satisfies Kind<typeof RESOURCE_TYPES.ResourceServer | typeof RESOURCE_TYPES.ResourceServerScopes, ApiChange>;
