import * as pulumi from "@pulumi/pulumi";
import { Tenant, type TenantOutputs } from "../components/tenant";
import { directoryReader } from "./config/files";
import { TENANT_CONFIG_KEY } from "./config/stack-file";
import { formatIssue, loadTenant } from "./spec";

/**
 * The Pulumi program body: stack config → validated spec → one Tenant component. The spec is validated
 * completely before anything is declared, so a bad config creates nothing. `root` is the project directory
 * that `keys/` and `actions/` are read from.
 */
export async function tenantProgram(
  root: string,
  options: { now?: Date; componentOptions?: pulumi.ComponentResourceOptions } = {},
): Promise<{ tenant: Tenant; outputs: TenantOutputs }> {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  const raw = config.getObject<unknown>(TENANT_CONFIG_KEY);
  if (raw === undefined) {
    throw new Error(`Pulumi.${stack}.yaml: config key "${config.name}:${TENANT_CONFIG_KEY}" is missing (it holds the tenant spec)`);
  }
  const { spec, warnings } = await loadTenant(raw, {
    stack,
    now: options.now ?? new Date(),
    readFile: directoryReader(root),
    source: `Pulumi.${stack}.yaml (${config.name}:${TENANT_CONFIG_KEY})`,
  });
  for (const w of warnings) void pulumi.log.warn(formatIssue(w));
  const tenant = new Tenant(spec, options.componentOptions);
  return { tenant, outputs: tenant.outputs(spec) };
}
