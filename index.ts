import * as pulumi from "@pulumi/pulumi";
import { Tenant } from "./components/tenant";
import { directoryReader } from "./src/config/files";
import { TENANT_CONFIG_KEY } from "./src/config/stack-file";
import { formatIssue, loadTenant } from "./src/spec";

/**
 * The Pulumi program: stack config → validated spec → one Tenant component. The spec is validated completely
 * before anything is declared, so a bad config creates nothing.
 */
export = async () => {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  const raw = config.getObject<unknown>(TENANT_CONFIG_KEY);
  if (raw === undefined) {
    throw new Error(`Pulumi.${stack}.yaml: config key "${config.name}:${TENANT_CONFIG_KEY}" is missing (it holds the tenant spec)`);
  }
  const { spec, warnings } = await loadTenant(raw, {
    stack,
    now: new Date(),
    readFile: directoryReader(__dirname),
    source: `Pulumi.${stack}.yaml (${config.name}:${TENANT_CONFIG_KEY})`,
  });
  for (const w of warnings) void pulumi.log.warn(formatIssue(w));
  return new Tenant(spec).outputs(spec);
};
