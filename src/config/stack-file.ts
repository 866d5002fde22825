import { CORE_SCHEMA, load, YAMLException } from "js-yaml";
import { StackConfigError } from "../errors";

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

/** Stack names from file names: Pulumi.<stack>.yaml, sorted. */
export function stackNamesIn(files: string[]): string[] {
  return files
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f.split("/").pop()!)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * js-yaml for reading: several times faster than a full Document parse on large tenants; rejects duplicate keys.
 * The core schema keeps unquoted dates (expiresAt: 2027-01-01T00:00:00Z) as strings, as the program receives them.
 */
function parseYaml(text: string, file: string): unknown {
  try {
    return load(text, { filename: file, schema: CORE_SCHEMA });
  } catch (e) {
    if (e instanceof YAMLException) throw new StackConfigError(`${file}: invalid YAML: ${e.message}`);
    throw e;
  }
}

export function projectName(pulumiYaml: string): string {
  const project = parseYaml(pulumiYaml, "Pulumi.yaml") as { name?: unknown } | null;
  if (!project || typeof project.name !== "string") throw new StackConfigError("Pulumi.yaml: missing project name");
  return project.name;
}

/** Parses a stack file's text; `project` namespaces the project's own keys as Pulumi does. */
export function parseStackConfig(project: string, stack: string, stackYaml: string): StackConfig {
  const file = `Pulumi.${stack}.yaml`;
  const doc = parseYaml(stackYaml, file) as { config?: Record<string, unknown> } | null;
  const values = doc?.config ?? {};
  if (typeof values !== "object" || Array.isArray(values)) throw new StackConfigError(`${file}: "config" must be a mapping`);
  const tenantKey = `${project}:${TENANT_CONFIG_KEY}`;
  if (!(tenantKey in values)) {
    throw new StackConfigError(`${file}: config key "${tenantKey}" is missing (it holds the tenant spec: apis, applications, actions)`);
  }
  const domain = values["auth0:domain"];
  return {
    project,
    stack,
    tenant: values[tenantKey],
    ...(typeof domain === "string" ? { domain } : {}),
    values,
  };
}
