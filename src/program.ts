import * as pulumi from "@pulumi/pulumi";
import { Tenant, type TenantOutputs } from "../components/tenant";
import { fullConfigKey } from "./config/config-keys";
import { checkDocument } from "./config/document-limits";
import { directoryReader } from "./config/files";
import { attribute, layeredTenant } from "./config/layers";
import { stackFileName, TENANT_CONFIG_KEY } from "./config/stack-file";
import { StackConfigError, TenantReadError } from "./errors";
import { buildModel } from "./tenant/build";
import { previousFromOutputs, type PreviousCredentials } from "./rotation/fingerprints";
import { checkRotation } from "./rotation/rules";
import { formatIssue, SpecError } from "./spec";
import { validateTenant } from "./tenant/load";
import { type TenantSpec } from "./kinds/specs";
import { clientIdsFromOutputs, knownClientIds, liveCredentials, providerSettings, type GuardSource } from "./live/guard";
import type { ReaderOptions } from "./live/reader";

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
  options: {
    now?: Date;
    componentOptions?: pulumi.ComponentResourceOptions;
    /** Reader options of the live rotation guard (tests: a fetch trusting the local tenant's CA). */
    reader?: ReaderOptions;
  } = {},
): Promise<{ tenant: Tenant; outputs: TenantOutputs; rotationGuard: GuardSource }> {
  const config = new pulumi.Config();
  const stack = pulumi.getStack();
  const now = options.now ?? new Date();
  const raw = config.getObject<unknown>(TENANT_CONFIG_KEY);
  if (raw === undefined) {
    throw new StackConfigError(
      `Pulumi.${stack}.yaml: config key "${config.name}:${TENANT_CONFIG_KEY}" is missing (it holds the tenant spec)`,
    );
  }
  const stackFile = stackFileName(stack);
  // The engine hands the stack file's value over as JSON: bounded like every parsed input before anything walks it.
  checkDocument(raw, `${stackFile}: ${config.name}:${TENANT_CONFIG_KEY}`, (message) => new StackConfigError(message));
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
  let rotationGuard: GuardSource = { kind: "off", description: `off (config ${ROTATION_GUARD_KEY} false)` };
  if (config.getBoolean(ROTATION_GUARD_KEY) !== false) {
    const baseline = await deployedBaseline(spec, config, options.reader);
    rotationGuard = baseline.source;
    void pulumi.log.info(`rotation guard: each credential change is checked against ${rotationGuard.description}`);
    const rotationErrors = checkRotation(baseline.previous, spec, now);
    if (rotationErrors.length > 0)
      throw new SpecError(`${stackFile} (rotation against ${rotationGuard.description})`, attribute(rotationErrors, layered));
  }
  const built = await buildModel(spec, { readFile, packagesDir: root });
  if (!built.model) throw new SpecError(source, attribute(built.errors, layered));
  const secret = (key: string) => {
    const { namespace, name } = fullConfigKey(key, config.name);
    return new pulumi.Config(namespace).requireSecret(name);
  };
  const tenant = new Tenant(built.model, { ...options.componentOptions, secret });
  return { tenant, outputs: tenant.outputs, rotationGuard };
}
/** Config key choosing the guard's source: auto (live when the provider's settings are at hand), live, or outputs. */
export const ROTATION_GUARD_SOURCE_KEY = "rotationGuardSource";

/**
 * What the rotation guard checks a step against. With the provider's settings at hand (auth0:domain, the client id
 * and its private key, from config or the environment) it reads the credentials Auth0 holds for each application
 * (client ids from the last deployment's outputs, else adopt:); otherwise, or with rotationGuardSource = outputs, the
 * last deployment's own outputs. A live read that fails stops the preview with the reason: it never hangs (a time
 * limit) and never silently falls back.
 */
async function deployedBaseline(
  spec: TenantSpec,
  config: pulumi.Config,
  readerOptions: ReaderOptions | undefined,
): Promise<{ previous: PreviousCredentials; source: GuardSource }> {
  const mode = config.get(ROTATION_GUARD_SOURCE_KEY) ?? "auto";
  if (!["auto", "live", "outputs"].includes(mode))
    throw new StackConfigError(
      `config ${config.name}:${ROTATION_GUARD_SOURCE_KEY} is ${JSON.stringify(mode)} (allowed: auto, live, outputs)`,
    );
  const outputs = await lastDeployedOutputs(config.get(ROTATION_GUARD_REFERENCE_KEY));
  const settings = mode === "outputs" ? undefined : providerSettings((key) => pulumi.runtime.getConfig(key));
  if (!settings) {
    if (mode === "live")
      throw new StackConfigError(
        `${config.name}:${ROTATION_GUARD_SOURCE_KEY} is live, but the provider's settings are not all set (auth0:domain, AUTH0_CLIENT_ID or auth0:clientId, AUTH0_CLIENT_ASSERTION_PRIVATE_KEY or auth0:clientAssertionPrivateKey)`,
      );
    return { previous: previousFromOutputs(outputs), source: { kind: "outputs", description: "the last deployment's outputs" } };
  }
  const clientIds = knownClientIds(Object.keys(spec.applications), spec.adopt, clientIdsFromOutputs(outputs));
  try {
    const previous = await liveCredentials(settings, clientIds, readerOptions);
    return {
      previous,
      source: {
        kind: "live",
        description: `the credentials ${settings.domain} holds (read live for ${Object.keys(clientIds).length} deployed applications)`,
      },
    };
  } catch (e) {
    throw new TenantReadError(
      `rotation guard: cannot read the credentials Auth0 holds: ${(e as Error).message}\n(to check against the last deployment's outputs instead: pulumi config set ${ROTATION_GUARD_SOURCE_KEY} outputs)`,
    );
  }
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
async function lastDeployedOutputs(configured: string | undefined): Promise<{ applications: unknown }> {
  const self = new pulumi.StackReference("last-deployment", { name: configured ?? selfReferenceName() });
  const details = await self.getOutputDetails("applications");
  return { applications: details.value ?? details.secretValue };
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
