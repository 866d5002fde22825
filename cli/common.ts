import { parseArgs, type ParseArgsConfig } from "node:util";
import { planStack, renderErrors, type Plan } from "../src/plan";

/**
 * Runs a CLI's main function. It sets exitCode rather than calling exit(), which would cut off output still being
 * written to a pipe.
 */
export function runCli(main: () => Promise<number>) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}

/** Parses argv; on bad flags prints the reason and the usage and returns undefined (exit code 2). */
export function parseCliArgs<T extends ParseArgsConfig>(config: T, usage: string) {
  try {
    return parseArgs(config);
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return undefined;
  }
}

/** Plans a stack for a CLI; prints the spec errors and returns undefined when it has any. */
export async function planForCli(dir: string, stack: string): Promise<Plan | undefined> {
  const result = await planStack(dir, stack);
  if (result.ok) return result.plan;
  console.error(renderErrors(result.source, result.errors));
  return undefined;
}
