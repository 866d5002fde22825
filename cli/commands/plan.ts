import { Option, type Command } from "commander";
import { existing, stackName } from "./arguments";
import { EXIT, UsageError, type Io } from "../io";
import { tenantFlags, trustLocal, withTenantOptions, type TenantOptions } from "./live";
import { json, knownStack } from "./shared";
import type { Plan } from "../../src/plan";
import type { PreviousFile } from "../../src/plan/diff-checkpoint";

interface PlanOptions extends TenantOptions {
  stack: string;
  json?: boolean;
  previous?: string;
  compare?: string[];
  live?: boolean;
  diff?: boolean;
  failOn?: "change" | "replace" | "delete";
}

export function planCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  const plan = program
    .command("plan")
    .description("plan a stack offline: every resource `pulumi up` would declare, in auth terms")
    .option("-s, --stack <name>", "the stack to plan", stackName(), "dev")
    .option("--json", "machine-readable output on stdout (public keys shortened, secrets redacted)")
    .option(
      "--previous <file>",
      "the last deployment: `pulumi stack export` (resources, for --diff) or `pulumi stack output --json`; rotation steps are checked against it",
      existing("--previous", io.cwd),
    )
    .option("--compare <stacks...>", "the promotion view: how the second stack differs from the first (e.g. --compare dev prod)")
    .option(
      "--live",
      "check rotation steps against the credentials Auth0 holds, as `pulumi preview` does (docs/rotation.md, the live rotation guard); with --diff, diff against the tenant",
    )
    .option("--diff", "a resource-level diff (+ ~ - +- per resource and property, as pulumi preview --diff) against --previous or --live")
    .addOption(
      new Option("--fail-on <what>", "with --diff: exit 1 when it holds a change of this kind (delete: a delete or a replacement)").choices(
        ["change", "replace", "delete"],
      ),
    );
  withTenantOptions(plan, io, false).action((opts: PlanOptions) =>
    run(async () => {
      if (opts.compare) return compare(io, opts.dir, opts.compare, opts.json === true);
      if (opts.failOn && !opts.diff) throw new UsageError(`--fail-on ${opts.failOn} applies to --diff (add --diff)`);
      if (opts.diff && !opts.previous && !opts.live)
        throw new UsageError("--diff compares the plan with a baseline: add --previous <file of `pulumi stack export`> or --live");
      await knownStack(opts.dir, opts.stack);
      const { withCommandBudget } = await import("../../src/command-budget");
      // One budget for the whole command: the --previous file is read within the same read limit as the plan's files.
      return withCommandBudget(() => planAction(io, opts));
    }),
  );
}

async function planAction(io: Io, opts: PlanOptions): Promise<number> {
  const { previousFromOutputs } = await import("../../src/rotation/fingerprints");
  const { readPreviousFile } = await import("../../src/plan/diff-checkpoint");
  const { planJson, planJsonPieces, planStack, renderErrors, renderPlanText, summarize } = await import("../../src/plan");
  const now = new Date();
  const file = opts.previous ? readPreviousFile(opts.previous) : undefined;
  if (file?.kind === "checkpoint") checkStack(file, opts);
  if (opts.diff && !opts.live && file?.kind === "outputs")
    throw new UsageError(
      `--previous ${opts.previous}: these are stack outputs (\`pulumi stack output --json\`): they name client ids and key fingerprints, not each resource's inputs, so --diff cannot compare resources with them; pass the checkpoint instead (\`pulumi stack export --stack ${opts.stack} --file state.json\`), or --live`,
    );
  const outputs = file?.kind === "checkpoint" ? file.outputs : file?.outputs;
  let previous;
  let previousSource = `the last deployment's outputs (--previous)`;
  if (opts.live) {
    const reexec = await trustLocal(opts);
    if (reexec !== undefined) return reexec;
    ({ previous, previousSource } = await livePrevious(opts, outputs, opts.diff === true));
  } else if (file) previous = previousFromOutputs(outputs);
  const result = await planStack(opts.dir, opts.stack, now, previous ? { previous, previousSource } : {});
  if (!result.ok) {
    if (opts.json) io.out(json({ ok: false, source: result.source, errors: result.errors }, io));
    else io.err(renderErrors(result.source, result.errors) + "\n");
    return EXIT.findings;
  }
  if (opts.diff) return diffAction(io, opts, result.plan, file, outputs);
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
}

/** A checkpoint of another stack or project is a wrong argument, not a diff of everything. */
function checkStack(file: { stack: string; project: string }, opts: PlanOptions) {
  if (file.stack && file.stack !== opts.stack)
    throw new UsageError(
      `--previous ${opts.previous}: the checkpoint is of stack ${file.stack}, not ${opts.stack} (export this stack's: pulumi stack export --stack ${opts.stack})`,
    );
}

/**
 * `plan --diff`: the auth-terms plan, then the resource diff against the checkpoint or the live tenant. Exit 1 only
 * with --fail-on and a change of that kind (the reason on stderr), as review does with its risks.
 */
async function diffAction(io: Io, opts: PlanOptions, plan: Plan, file: PreviousFile | undefined, outputs: unknown): Promise<number> {
  const { diffResources, failsOn } = await import("../../src/plan/diff");
  const { diffJson, failingText, renderDiffText, thumbprintsIn } = await import("../../src/plan/diff-render");
  const { planJson, renderPlanText, summarize } = await import("../../src/plan");
  const now = new Date();
  let baseline;
  if (opts.live) {
    const { clientIdsFromOutputs } = await import("../../src/live/guard");
    const { readLiveTenant } = await import("../../src/live/commands");
    const { liveBaseline } = await import("../../src/live/diff-baseline");
    const owned = new Set<string>([
      ...Object.values(plan.spec.adopt),
      ...Object.values(clientIdsFromOutputs(outputs ?? {})),
      ...(file?.kind === "checkpoint" ? file.baseline.resources.flatMap((r) => (r.id !== undefined ? [r.id] : [])) : []),
    ]);
    const { live } = await readLiveTenant(await tenantFlags(opts), await readStackConfigValues(opts), io);
    baseline = await liveBaseline(plan, opts.dir, live, owned, { out: io.out, err: io.err });
  } else baseline = (file as Extract<PreviousFile, { kind: "checkpoint" }>).baseline;
  const diff = diffResources(plan.desired.resources, baseline);
  const thumbprints = await thumbprintsIn(diff);
  if (opts.json) io.out(json({ ...planJson(plan, now), diff: diffJson(diff, thumbprints) }, io));
  else io.out(renderPlanText(summarize(plan, now), plan.warnings, io.columns) + "\n\n" + renderDiffText(diff, thumbprints, io.look));
  const failing = failsOn(diff, opts.failOn);
  if (failing.length === 0) return EXIT.ok;
  io.err(`--fail-on ${opts.failOn}: ${failingText(failing)}\n`);
  return EXIT.findings;
}

async function readStackConfigValues(opts: PlanOptions) {
  const { readStackConfig } = await import("../../src/plan");
  return (await readStackConfig(opts.dir, opts.stack)).values;
}

/**
 * The credentials Auth0 holds for the stack's applications, read with the provider's settings (the stack's
 * auth0:domain; client id and key from the flags, the environment or config), as the program's live guard reads them.
 * Client ids come from --previous outputs, else the spec's adopt:.
 */
async function livePrevious(opts: PlanOptions, outputs: unknown, optional: boolean) {
  const { planStack, readStackConfig } = await import("../../src/plan");
  const { clientIdsFromOutputs, knownClientIds, liveCredentials } = await import("../../src/live/guard");
  const { localDomain } = await import("../../src/live/local");
  const { readerSettings } = await import("../../src/live/settings");
  const { tenantFlags } = await import("./live");
  const deployed = outputs === undefined ? {} : clientIdsFromOutputs(outputs);
  const flags = await tenantFlags(opts);
  const planned = await planStack(opts.dir, opts.stack);
  if (!planned.ok) throw new UsageError("--live: the spec has errors (run the plan without --live to see them)");
  const { spec } = planned.plan;
  const clientIds = knownClientIds(Object.keys(spec.applications), spec.adopt, deployed);
  // With --diff the tenant is read whole anyway; the guard then has nothing to check until an application is deployed.
  if (Object.keys(clientIds).length === 0 && optional) return { previous: undefined, previousSource: "" };
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
