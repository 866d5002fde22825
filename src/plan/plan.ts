import { readdir } from "node:fs/promises";
import { stackFileConfigLookup } from "../config/config-keys";
import { directoryReader, projectYamlReader } from "../config/files";
import { attribute, layeredTenant, type LayeredTenant } from "../config/layers";
import { parseStackConfig, projectName, stackFileName, stackNamesIn, TENANT_CONFIG_KEY, type StackConfig } from "../config/stack-file";
import { withCommandBudget } from "../command-budget";
import { StackConfigError } from "../errors";
import { type DesiredState } from "../model";
import { buildModel } from "../tenant/build";
import { desiredState } from "../tenant/model";
import { type TenantModel } from "../kinds/models";
import type { PreviousCredentials } from "../rotation/fingerprints";
import { checkRotation } from "../rotation/rules";
import { type SpecIssue } from "../spec";
import { validateTenant } from "../tenant/load";
import { type TenantSpec } from "../kinds/specs";

/** What `pulumi up` would declare for one stack, computed offline from the same spec, build step and model. */
export interface Plan {
  project: string;
  stack: string;
  domain?: string;
  spec: TenantSpec;
  model: TenantModel;
  desired: DesiredState;
  warnings: SpecIssue[];
  /** What rotation steps were checked against (options.previousSource), when they were. */
  rotationCheckedAgainst?: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; source: string; errors: SpecIssue[]; warnings: SpecIssue[] };

export type FileReader = (relativePath: string) => Promise<string | undefined>;

export interface PlanOptions {
  /** The last deployed credentials (stack outputs, or read live): rotation steps are checked against them. */
  previous?: PreviousCredentials;
  /** Where `previous` comes from, for people (e.g. "the last deployment's outputs"). */
  previousSource?: string;
  /** Where npm packages imported by actions resolve from: the project directory (default: the current one). */
  packagesDir?: string;
}

export async function planFromConfig(config: StackConfig, readFile: FileReader, now: Date, options: PlanOptions = {}): Promise<PlanResult> {
  const stackFile = stackFileName(config.stack);
  let layered: LayeredTenant;
  try {
    layered = await layeredTenant(config.tenant, stackFile, readFile);
  } catch (e) {
    if (!(e instanceof StackConfigError)) throw e;
    return { ok: false, source: stackFile, errors: [{ path: "(root)", code: "invalid_value", message: e.message }], warnings: [] };
  }
  const source = `${stackFile}${layered.shared ? ` over ${layered.shared}` : ""} (${config.project}:${TENANT_CONFIG_KEY})`;
  const validated = await validateTenant(layered.tenant, {
    stack: config.stack,
    project: config.project,
    readFile,
    now,
    config: stackFileConfigLookup(config.values, config.project),
  });
  const { spec } = validated;
  const errors = attribute(validated.errors, layered);
  const warnings = attribute(validated.warnings, layered);
  if (!spec) return { ok: false, source, errors, warnings };
  const rotationErrors = options.previous ? checkRotation(options.previous, spec, now) : [];
  if (rotationErrors.length > 0) return { ok: false, source, errors: attribute(rotationErrors, layered), warnings };
  const built = await buildModel(spec, { readFile, packagesDir: options.packagesDir ?? process.cwd() });
  if (!built.model) return { ok: false, source, errors: attribute(built.errors, layered), warnings };
  return {
    ok: true,
    plan: {
      project: config.project,
      stack: config.stack,
      ...(config.domain ? { domain: config.domain } : {}),
      spec,
      model: built.model,
      desired: desiredState(built.model),
      warnings,
      ...(options.previous && options.previousSource ? { rotationCheckedAgainst: options.previousSource } : {}),
    },
  };
}

/** Reads a stack's config files from a project directory (no Pulumi CLI involved). */
export async function readStackConfig(dir: string, stack: string): Promise<StackConfig> {
  const read = projectYamlReader(dir);
  const projectText = await read("Pulumi.yaml");
  if (projectText === undefined) throw new StackConfigError(`Pulumi.yaml not found in ${dir} (the project file names the project)`);
  const file = stackFileName(stack);
  const text = await read(file);
  if (text === undefined)
    throw new StackConfigError(`${file} not found in ${dir} (stacks here: ${(await listStacks(dir)).join(", ") || "none"})`);
  return parseStackConfig(projectName(projectText), stack, text);
}

export async function listStacks(dir: string): Promise<string[]> {
  return stackNamesIn(await readdir(dir));
}

/** Plans one stack of a project directory, within one command budget (the caller's, when it runs inside a command). */
export function planStack(dir: string, stack: string, now = new Date(), options: PlanOptions = {}): Promise<PlanResult> {
  return withCommandBudget(async () =>
    planFromConfig(await readStackConfig(dir, stack), directoryReader(dir), now, { packagesDir: dir, ...options }),
  );
}
