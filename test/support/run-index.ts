import * as path from "node:path";
import { readStackConfig } from "../../src/plan";
import { settle, underMocks } from "./mock-runtime";

const root = path.resolve(__dirname, "../..");

/** Runs the real index.ts of this project under mocks with a stack's own config file, as `pulumi up` would. */
export async function runIndex(stack: string) {
  const config = await readStackConfig(root, stack);
  return underMocks({ stack, config: config.values }, async () => {
    const program: { default?: () => Promise<unknown> } = await import("../../index");
    const run = program.default ?? (program as unknown as () => Promise<unknown>);
    return settle(await run());
  });
}
