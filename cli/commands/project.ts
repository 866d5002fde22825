import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../io";

/**
 * The project a command works on when --dir is not given: the nearest directory, from `cwd` up, holding the
 * Pulumi.yaml of an auth0-tenant project (as git finds .git and pulumi its Pulumi.yaml). A Pulumi.yaml of another
 * kind of project on the way is passed over.
 */
export async function projectDir(cwd: string): Promise<string> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (await isTenantProject(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new UsageError(
    `no auth0-tenant project in ${cwd} or any directory above it (none has a Pulumi.yaml with a tenant.yaml or a stack's <project>:tenant); run from inside one, pass --dir <project>, or start one with \`auth0-tenant init\``,
  );
}

/** A Pulumi.yaml beside tenant.yaml, or beside a stack file that holds `<project>:tenant`. */
export async function isTenantProject(dir: string): Promise<boolean> {
  const pulumiYaml = path.join(dir, "Pulumi.yaml");
  if (!existsSync(pulumiYaml)) return false;
  if (existsSync(path.join(dir, "tenant.yaml"))) return true;
  const { projectName } = await import("../../src/config/stack-file");
  let name: string;
  try {
    name = projectName(readFileSync(pulumiYaml, "utf8"));
  } catch {
    return false;
  }
  const key = new RegExp(`^\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:tenant:`, "m");
  return readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .some((f) => {
      try {
        return key.test(readFileSync(path.join(dir, f), "utf8"));
      } catch {
        return false;
      }
    });
}
