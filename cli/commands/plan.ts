import type { Command } from "commander";
import { existing, stackName } from "./arguments";
import { EXIT, UsageError, type Io } from "../io";
import { trustLocal, withTenantOptions, type TenantOptions } from "./live";
import { json, knownStack } from "./shared";

interface PlanOptions extends TenantOptions {
  stack: string;
  json?: boolean;
  previous?: string;
  compare?: string[];
  live?: boolean;
}

export function planCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  const plan = program
    .command("plan")
    .description("plan a stack offline: every resource `pulumi up` would declare, in auth terms")
    .option("-s, --stack <name>", "the stack to plan", stackName(), "dev")
    .option("--json", "machine-readable output on stdout (public keys shortened, secrets redacted)")
    .option(
      "--previous <file>",
      "check rotation steps against a deployment's outputs (pulumi stack output --json)",
      existing("--previous", io.cwd),
    )
    .option("--compare <stacks...>", "the promotion view: how the second stack differs from the first (e.g. --compare dev prod)")
    .option(
      "--live",
      "check rotation steps against the credentials Auth0 holds, as `pulumi preview` does (docs/rotation.md, the live rotation guard)",
    );
  withTenantOptions(plan, io, false).action((opts: PlanOptions) =>
    run(async () => {
      if (opts.compare) return compare(io, opts.dir, opts.compare, opts.json === true);
      await knownStack(opts.dir, opts.stack);
      const { readRegularFile } = await import("../../src/config/regular-file");
      const { previousFromOutputs } = await import("../../src/rotation/fingerprints");
      const { planJson, planJsonPieces, planStack, renderErrors, renderPlanText, summarize } = await import("../../src/plan");
      const now = new Date();
      let previous;
      let previousSource = "the last deployment's outputs (--previous)";
      if (opts.live) {
        const reexec = await trustLocal(opts);
        if (reexec !== undefined) return reexec;
        ({ previous, previousSource } = await livePrevious(opts));
      } else if (opts.previous) {
        try {
          previous = previousFromOutputs(JSON.parse(await readRegularFile(opts.previous)));
        } catch (e) {
          throw new UsageError(
            `--previous ${opts.previous}: ${(e as Error).message} (expected the output of \`pulumi stack output --json\`)`,
          );
        }
      }
      const result = await planStack(opts.dir, opts.stack, now, previous ? { previous, previousSource } : {});
      if (!result.ok) {
        if (opts.json) io.out(json({ ok: false, source: result.source, errors: result.errors }, io));
        else io.err(renderErrors(result.source, result.errors) + "\n");
        return EXIT.findings;
      }
      if (opts.json && !io.isTTY) {
        for (const piece of planJsonPieces(result.plan, now)) io.out(piece);
        io.out("\n");
      } else
        io.out(
          opts.json
            ? json(planJson(result.plan, now), io)
            : renderPlanText(summarize(result.plan, now), result.plan.warnings, io.columns) + "\n",
        );
      return EXIT.ok;
    }),
  );
}

/**
 * The credentials Auth0 holds for the stack's applications, read with the provider's settings (the stack's
 * auth0:domain; client id and key from the flags, the environment or config), as the program's live guard reads them.
 * Client ids come from --previous outputs, else the spec's adopt:.
 */
async function livePrevious(opts: PlanOptions) {
  const { readRegularFile } = await import("../../src/config/regular-file");
  const { planStack, readStackConfig } = await import("../../src/plan");
  const { clientIdsFromOutputs, knownClientIds, liveCredentials } = await import("../../src/live/guard");
  const { localDomain } = await import("../../src/live/local");
  const { readerSettings } = await import("../../src/live/settings");
  const { tenantFlags } = await import("./live");
  let deployed = {};
  if (opts.previous) {
    try {
      deployed = clientIdsFromOutputs(JSON.parse(readRegularFile(opts.previous)));
    } catch (e) {
      throw new UsageError(`--previous ${opts.previous}: ${(e as Error).message} (expected the output of \`pulumi stack output --json\`)`);
    }
  }
  const flags = await tenantFlags(opts);
  const planned = await planStack(opts.dir, opts.stack);
  if (!planned.ok) throw new UsageError("--live: the spec has errors (run the plan without --live to see them)");
  const { spec } = planned.plan;
  const clientIds = knownClientIds(Object.keys(spec.applications), spec.adopt, deployed);
  if (Object.keys(clientIds).length === 0)
    throw new UsageError(
      "--live: no deployed client id is known, so there is nothing to read (pass --previous <pulumi stack output --json file>, or adopt: the applications)",
    );
  const settings = await readerSettings({
    config: (await readStackConfig(opts.dir, opts.stack)).values,
    ...(opts.local ? { domain: localDomain(opts.local) } : {}),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
    ...(flags.keyFile ? { keyFile: flags.keyFile } : {}),
  });
  return {
    previous: await liveCredentials(settings, clientIds, {
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      limits: flags.limits,
    }),
    previousSource: `the credentials ${settings.domain} holds (read live for ${Object.keys(clientIds).length} applications)`,
  };
}

async function compare(io: Io, dir: string, stacks: string[], asJson: boolean): Promise<number> {
  if (stacks.length !== 2)
    throw new UsageError(
      `--compare takes two stacks, the one to compare with and the one to describe (e.g. --compare dev prod); got ${stacks.length}`,
    );
  for (const s of stacks) await knownStack(dir, s, "--compare");
  const { compareStacks } = await import("../../src/review/compare");
  const { renderMarkdown, renderText } = await import("../../src/review/render");
  const report = await compareStacks({ dir, from: stacks[0]!, to: stacks[1]! });
  io.out(asJson ? json(report, io) : io.isTTY ? renderText(report, io.look, io.columns) : renderMarkdown(report));
  return EXIT.ok;
}
