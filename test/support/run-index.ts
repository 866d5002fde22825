import * as path from "node:path";
import { readStackConfig } from "../../src/plan";
import { tenantProgram } from "../../src/program";
import { settle, underMocks } from "./mock-runtime";

const root = path.resolve(__dirname, "../..");

/**
 * Runs a project's Pulumi program under mocks with a stack's own config file, as `pulumi up` would: this repository's
 * real index.ts for its own stacks, else the body index.ts calls (tenantProgram) over the given directory.
 */
export async function runIndex(stack: string, dir: string = root) {
  const config = await readStackConfig(dir, stack);
  return underMocks({ stack, config: config.values }, async () => {
    if (path.resolve(dir) !== root) return settle((await tenantProgram(dir)).outputs);
    const program: { default?: () => Promise<unknown> } = await import("../../index");
    const run = program.default ?? (program as unknown as () => Promise<unknown>);
    return settle(await run());
  });
}
