import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { grantKindModel } from "./model";
import { grantSpec } from "./spec";
import { grantDrift } from "./drift";
import { grantImport } from "./import";
import { GRANT_RISK, grantDetector, type GrantChange } from "./review";

/** A client grant: which scopes of which API a machine-to-machine application may ask for. */
export const grant = {
  spec: grantSpec,
  model: grantKindModel,
  types: { [RESOURCE_TYPES.ClientGrant]: ["grant.scope-gained", "grant.scope-lost"] },
  fields: ["scopes"],
  plan: { [RESOURCE_TYPES.ClientGrant]: "Applications" },
  review: { risk: GRANT_RISK, detector: grantDetector },
  live: { drift: grantDrift, import: grantImport },
} satisfies Kind<typeof RESOURCE_TYPES.ClientGrant, GrantChange>;
