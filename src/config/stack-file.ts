import { partOfTree } from "../dict";
import { StackConfigError } from "../errors";
import { excerpt } from "../excerpt";
import { STACK_NAME } from "./stack-name";
import { parseYaml } from "./yaml";

/** A Pulumi stack's config as read offline from Pulumi.yaml + Pulumi.<stack>.yaml, without the Pulumi CLI. */
export interface StackConfig {
  project: string;
  stack: string;
  /** `<project>:tenant`, the tenant spec. */
  tenant: unknown;
  /** `auth0:domain`, the tenant's domain (the provider's, and the local tenant's issuer). */
  domain?: string;
  /** Every config key; secure values are kept as { secure: "…" } and never decrypted here. */
  values: Record<string, unknown>;
}

export const TENANT_CONFIG_KEY = "tenant";

/** Stack names from file names: Pulumi.<stack>.yaml, sorted (names Pulumi would refuse are not stacks). */
export function stackNamesIn(files: string[]): string[] {
  return files
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f.split("/").pop()!)?.[1])
    .filter((s): s is string => s !== undefined && STACK_NAME.test(s))
    .sort();
}

/**
 * The stack file of a stack name; a name Pulumi would refuse (a path, `../x`, an empty or overlong name) is refused
 * here too, before it becomes a file name.
 */
export function stackFileName(stack: string): string {
  if (!STACK_NAME.test(stack)) {
    throw new StackConfigError(
      `stack ${excerpt(JSON.stringify(stack))} is not a stack name (allowed: 1 to 100 letters, digits, "-", "_" and ".", as Pulumi allows; give the bare name, e.g. dev)`,
    );
  }
  return `Pulumi.${stack}.yaml`;
}

export function projectName(pulumiYaml: string): string {
  const project = parseYaml(pulumiYaml, "Pulumi.yaml") as { name?: unknown } | null;
  if (!project || typeof project.name !== "string") throw new StackConfigError("Pulumi.yaml: missing project name");
  return project.name;
}

/** Parses a stack file's text; `project` namespaces the project's own keys as Pulumi does. */
export function parseStackConfig(project: string, stack: string, stackYaml: string): StackConfig {
  const file = stackFileName(stack);
  const doc = parseYaml(stackYaml, file) as { config?: Record<string, unknown> } | null;
  const values = doc?.config ?? {};
  if (typeof values !== "object" || Array.isArray(values)) throw new StackConfigError(`${file}: "config" must be a mapping`);
  const tenantKey = `${project}:${TENANT_CONFIG_KEY}`;
  if (!Object.hasOwn(values, tenantKey)) {
    throw new StackConfigError(`${file}: config key "${tenantKey}" is missing (it holds the tenant spec: apis, applications, actions)`);
  }
  const domain = values["auth0:domain"];
  return {
    project,
    stack,
    tenant: partOfTree(doc, values[tenantKey]),
    ...(typeof domain === "string" ? { domain } : {}),
    values,
  };
}
