import type { Command } from "commander";
import { EXIT, UsageError, type Io } from "../io";
import { json, knownStack } from "./shared";

export function planCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  program
    .command("plan")
    .description("plan a stack offline: every resource `pulumi up` would declare, in auth terms")
    .option("-s, --stack <name>", "the stack to plan", "dev")
    .option("--json", "machine-readable output on stdout (public keys shortened, secrets redacted)")
    .option("--previous <file>", "check rotation steps against a deployment's outputs (pulumi stack output --json)")
    .option("--compare <stacks...>", "the promotion view: how the second stack differs from the first (e.g. --compare dev prod)")
    .option("--dir <path>", "the project directory", io.cwd)
    .action((opts: { stack: string; json?: boolean; previous?: string; compare?: string[]; dir: string }) =>
      run(async () => {
        if (opts.compare) return compare(io, opts.dir, opts.compare, opts.json === true);
        await knownStack(opts.dir, opts.stack);
        const { readRegularFile } = await import("../../src/config/regular-file");
        const { previousFromOutputs } = await import("../../src/rotation/fingerprints");
        const { planJson, planStack, renderErrors, renderPlanText, summarize } = await import("../../src/plan");
        const now = new Date();
        let previous;
        if (opts.previous) {
          try {
            previous = previousFromOutputs(JSON.parse(await readRegularFile(opts.previous)));
          } catch (e) {
            throw new UsageError(
              `--previous ${opts.previous}: ${(e as Error).message} (expected the output of \`pulumi stack output --json\`)`,
            );
          }
        }
        const result = await planStack(opts.dir, opts.stack, now, previous ? { previous } : {});
        if (!result.ok) {
          if (opts.json) io.out(json({ ok: false, source: result.source, errors: result.errors }, io));
          else io.err(renderErrors(result.source, result.errors) + "\n");
          return EXIT.findings;
        }
        io.out(
          opts.json
            ? json(planJson(result.plan, now), io)
            : renderPlanText(summarize(result.plan, now), result.plan.warnings, io.columns) + "\n",
        );
        return EXIT.ok;
      }),
    );
}

async function compare(io: Io, dir: string, stacks: string[], asJson: boolean): Promise<number> {
  if (stacks.length !== 2)
    throw new UsageError(
      `--compare takes two stacks, the one to compare with and the one to describe (e.g. --compare dev prod); got ${stacks.length}`,
    );
  for (const s of stacks) await knownStack(dir, s);
  const { compareStacks } = await import("../../src/review/compare");
  const { renderMarkdown, renderText } = await import("../../src/review/render");
  const report = await compareStacks({ dir, from: stacks[0]!, to: stacks[1]! });
  io.out(asJson ? json(report, io) : io.isTTY ? renderText(report, io.look, io.columns) : renderMarkdown(report));
  return EXIT.ok;
}
