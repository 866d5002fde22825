import * as pulumi from "@pulumi/pulumi";
import { Tenant, type TenantOutputs } from "../components/tenant";
import { fullConfigKey } from "./config/config-keys";
import { directoryReader } from "./config/files";
import { attribute, layeredTenant } from "./config/layers";
import { stackFileName, TENANT_CONFIG_KEY } from "./config/stack-file";
import { buildModel } from "./model";
import { previousFromOutputs, type PreviousCredentials } from "./rotation/fingerprints";
import { checkRotation } from "./rotation/rules";
import { formatIssue, SpecError, validateTenant } from "./spec";

/** Config key that turns the deploy-time rotation guard off (it is on unless set to false). */
export const ROTATION_GUARD_KEY = "rotationGuard";
/** Config key naming the stack reference the guard reads, when the default does not fit the backend. */
export const ROTATION_GUARD_REFERENCE_KEY = "rotationGuardStackReference";

/**
 * The Pulumi program body: stack config → validated spec → model (actions bundled) → one Tenant component. Every
 * check runs before anything is declared, so a bad config creates nothing. `root` is the project directory that
 * `keys/` and `actions/` are read from.
 */
export async function tenantProgram(
  root: string,
  options: { now?: Date; componentOptions?: pulumi.ComponentResourceOptions } = {},
): Promise<{ tenant: Tenant; outputs: TenantOutputs }> {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  const now = options.now ?? new Date();
  const raw = config.getObject<unknown>(TENANT_CONFIG_KEY);
  if (raw === undefined) {
    throw new Error(`Pulumi.${stack}.yaml: config key "${config.name}:${TENANT_CONFIG_KEY}" is missing (it holds the tenant spec)`);
  }
  const stackFile = stackFileName(stack);
  const readFile = directoryReader(root);
  const layered = await layeredTenant(raw, stackFile, readFile);
  const source = `${stackFile}${layered.shared ? ` over ${layered.shared}` : ""} (${config.name}:${TENANT_CONFIG_KEY})`;
  const validated = await validateTenant(layered.tenant, {
    stack,
    project: config.name,
    now,
    readFile,
    config: (key) => {
      const { full } = fullConfigKey(key, config.name);
      const value = pulumi.runtime.getConfig(full);
      return value === undefined ? undefined : { secret: isConfigSecret(full), length: value.length };
    },
  });
  for (const w of attribute(validated.warnings, layered)) void pulumi.log.warn(formatIssue(w));
  const spec = validated.spec;
  if (!spec) throw new SpecError(source, attribute(validated.errors, layered));
  if (config.getBoolean(ROTATION_GUARD_KEY) !== false) {
    const rotationErrors = checkRotation(await lastDeployedCredentials(config.get(ROTATION_GUARD_REFERENCE_KEY)), spec, now);
    if (rotationErrors.length > 0)
      throw new SpecError(`${stackFile} (rotation against the last deployment)`, attribute(rotationErrors, layered));
  }
  const built = await buildModel(spec, { readFile, packagesDir: root });
  if (!built.model) throw new SpecError(source, attribute(built.errors, layered));
  const secret = (key: string) => {
    const { namespace, name } = fullConfigKey(key, config.name);
    return new pulumi.Config(namespace).requireSecret(name);
  };
  const tenant = new Tenant(built.model, { ...options.componentOptions, secret });
  return { tenant, outputs: tenant.outputs };
}

/** Pulumi knows which config keys were set with --secret; the SDK exposes it only internally. */
function isConfigSecret(key: string): boolean {
  const internal = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  return internal.isConfigSecret ? internal.isConfigSecret(key) : true;
}

/**
 * The credentials this very stack deployed last, read back from its own `applications` output (Auth0 never returns
 * key material, so our fingerprints are the only record). Empty on a first deployment. The output is written only
 * once each app's ClientCredentials deployed (see OutputsModel), and a failed update keeps the previous outputs.
 */
async function lastDeployedCredentials(configured: string | undefined): Promise<PreviousCredentials> {
  const self = new pulumi.StackReference("last-deployment", { name: configured ?? selfReferenceName() });
  const details = await self.getOutputDetails("applications");
  return previousFromOutputs({ applications: details.value ?? details.secretValue });
}

/**
 * The name this stack has as a stack reference. Pulumi Cloud (and other service backends) need
 * `<org>/<project>/<stack>`. DIY backends report the organization "organization" and accept a bare `<stack>` in both
 * layouts, while their legacy layout refuses any name with a slash (pulumi v3.248 pkg/backend/diy/store.go,
 * parseStackReference; pkg/backend/diy/state.go sets Organization "organization").
 */
export function selfReferenceName(org = pulumi.getOrganization(), project = pulumi.getProject(), stack = pulumi.getStack()): string {
  return org === "organization" ? stack : `${org}/${project}/${stack}`;
}
