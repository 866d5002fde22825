import { buildActions, type BuildContext } from "../actions/build";
import type { SpecIssue } from "../spec/issues";
import type { TenantSpec } from "../spec/types";
import { tenantModel, type TenantModel } from "./tenant";

export type { BuildContext } from "../actions/build";

/** A validated spec → its model, after the build step (bundling the actions). Errors name spec paths. */
export async function buildModel(
  spec: TenantSpec,
  ctx: BuildContext,
): Promise<{ model: TenantModel; errors: [] } | { model?: undefined; errors: SpecIssue[] }> {
  const { bundles, errors } = await buildActions(spec, ctx);
  if (errors.length > 0) return { errors };
  return { model: tenantModel(spec, bundles), errors: [] };
}
