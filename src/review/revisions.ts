import { readdir } from "node:fs/promises";
import { directoryReader } from "../config/files";
import { parseStackConfig, projectName, stackNamesIn } from "../config/stack-file";
import { planFromConfig, type PlanResult } from "../plan";
import type { RevisionSource } from "./git";

export function workingTree(dir: string): RevisionSource {
  return {
    label: "working tree",
    readFile: directoryReader(dir),
    listFiles: async () => readdir(dir),
  };
}

export async function stacksOf(source: RevisionSource): Promise<string[]> {
  return stackNamesIn(await source.listFiles());
}

/** Plans one stack of a revision, or undefined when the revision has no such stack. */
export async function planAt(source: RevisionSource, stack: string, now: Date): Promise<PlanResult | undefined> {
  const stackText = await source.readFile(`Pulumi.${stack}.yaml`);
  if (stackText === undefined) return undefined;
  const projectText = await source.readFile("Pulumi.yaml");
  if (projectText === undefined) throw new Error(`${source.label}: Pulumi.yaml not found`);
  const config = parseStackConfig(projectName(projectText), stack, stackText);
  return planFromConfig(config, source.readFile, now);
}
