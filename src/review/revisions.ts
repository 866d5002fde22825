import { readdir } from "node:fs/promises";
import { directoryReader } from "../config/files";
import { parseStackConfig, projectName, stackFileName, stackNamesIn } from "../config/stack-file";
import { planFromConfig, type PlanResult } from "../plan";
import { ProjectFileError, StackConfigError } from "../errors";
import type { RevisionSource } from "./git";

/** The working tree; each file is read once however many plans ask for it (the review's base reuses unchanged ones). */
export function workingTree(dir: string): RevisionSource {
  const read = directoryReader(dir);
  const reads = new Map<string, Promise<string | undefined>>();
  return {
    label: "working tree",
    readFile: (relativePath) => {
      let hit = reads.get(relativePath);
      if (!hit) reads.set(relativePath, (hit = read(relativePath)));
      return hit;
    },
    listFiles: async () => readdir(dir),
  };
}

export async function stacksOf(source: RevisionSource): Promise<string[]> {
  return stackNamesIn(await source.listFiles());
}

/**
 * Plans one stack of a revision, or undefined when the revision has no such stack. Packages that actions import
 * resolve from `packagesDir`, the project's directory (its node_modules), for either revision. A stack file that cannot be
 * read (too large, not UTF-8) or is not valid YAML or Pulumi config is an invalid revision like a spec with errors
 * (reported, exit 1), not a failure of the review.
 */
export async function planAt(source: RevisionSource, stack: string, now: Date, packagesDir: string): Promise<PlanResult | undefined> {
  const file = stackFileName(stack);
  const invalid = (e: unknown): PlanResult => {
    if (!(e instanceof StackConfigError || e instanceof ProjectFileError)) throw e;
    return { ok: false, source: file, errors: [{ path: "(file)", code: "invalid_type", message: e.message }], warnings: [] };
  };
  let stackText;
  try {
    stackText = await source.readFile(file);
  } catch (e) {
    return invalid(e);
  }
  if (stackText === undefined) return undefined;
  let config;
  try {
    const projectText = await source.readFile("Pulumi.yaml");
    if (projectText === undefined) throw new StackConfigError("Pulumi.yaml not found");
    config = parseStackConfig(projectName(projectText), stack, stackText);
  } catch (e) {
    return invalid(e);
  }
  return planFromConfig(config, source.readFile, now, { packagesDir });
}
