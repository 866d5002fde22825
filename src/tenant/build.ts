import { buildActions, type BuildContext } from "../actions/build";
import type { TenantModel } from "../kinds/models";
import type { TenantSpec } from "../kinds/specs";
import type { SpecIssue } from "../spec/issues";
import { tenantModel } from "./model";

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
