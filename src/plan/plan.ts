import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { stackFileConfigLookup } from "../config/config-keys";
import { directoryReader } from "../config/files";
import { parseStackConfig, projectName, stackNamesIn, TENANT_CONFIG_KEY, type StackConfig } from "../config/stack-file";
import { desiredState, type DesiredState } from "../model";
import { checkRotation, type PreviousCredentials } from "../rotation/rules";
import { validateTenant, type SpecIssue, type TenantSpec } from "../spec";

/** What `pulumi up` would declare for one stack, computed offline from the same spec and model functions. */
export interface Plan {
  project: string;
  stack: string;
  domain?: string;
  spec: TenantSpec;
  desired: DesiredState;
  warnings: SpecIssue[];
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; source: string; errors: SpecIssue[]; warnings: SpecIssue[] };

export type FileReader = (relativePath: string) => Promise<string | undefined>;

export interface PlanOptions {
  /** The last deployed credentials (stack outputs): rotation steps are checked against them. */
  previous?: PreviousCredentials;
  /** Where npm packages imported by actions resolve from: the project directory (default: the current one). */
  packagesDir?: string;
}

export async function planFromConfig(config: StackConfig, readFile: FileReader, now: Date, options: PlanOptions = {}): Promise<PlanResult> {
  const source = `Pulumi.${config.stack}.yaml (${config.project}:${TENANT_CONFIG_KEY})`;
  const { spec, errors, warnings } = await validateTenant(config.tenant, {
    stack: config.stack,
    readFile,
    now,
    packagesDir: options.packagesDir ?? process.cwd(),
    config: stackFileConfigLookup(config.values, config.project),
  });
  if (!spec) return { ok: false, source, errors, warnings };
  const rotationErrors = options.previous ? checkRotation(options.previous, spec, now) : [];
  if (rotationErrors.length > 0) return { ok: false, source, errors: rotationErrors, warnings };
  return {
    ok: true,
    plan: {
      project: config.project,
      stack: config.stack,
      ...(config.domain ? { domain: config.domain } : {}),
      spec,
      desired: desiredState(spec),
      warnings,
    },
  };
}

/** Reads a stack's config files from a project directory (no Pulumi CLI involved). */
export async function readStackConfig(dir: string, stack: string): Promise<StackConfig> {
  const project = projectName(await readFile(path.join(dir, "Pulumi.yaml"), "utf8"));
  let text: string;
  try {
    text = await readFile(path.join(dir, `Pulumi.${stack}.yaml`), "utf8");
  } catch {
    throw new Error(`Pulumi.${stack}.yaml not found in ${dir} (stacks here: ${(await listStacks(dir)).join(", ") || "none"})`);
  }
  return parseStackConfig(project, stack, text);
}

export async function listStacks(dir: string): Promise<string[]> {
  return stackNamesIn(await readdir(dir));
}

export async function planStack(dir: string, stack: string, now = new Date(), options: PlanOptions = {}): Promise<PlanResult> {
  return planFromConfig(await readStackConfig(dir, stack), directoryReader(dir), now, { packagesDir: dir, ...options });
}
