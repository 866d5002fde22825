import { statSync } from "node:fs";
import type { PlanResult } from "../plan";
import { withCommandBudget, type CommandBudget } from "../command-budget";
import { UsageError } from "../errors";
import { didYouMean, type SpecIssue } from "../spec";
import { RISK_ORDER, SECTIONS, type Change, type Risk } from "./changes";
import { DETECTORS } from "./detectors";
import { diffStat, gitRevision, repositoryRoot, resolveRevision, type RevisionSource } from "./git";
import { planAt, stacksOf, workingTree } from "./revisions";
import { riskOf } from "./risk";

export interface StackReview {
  stack: string;
  status: "changed" | "unchanged" | "added" | "removed" | "invalid";
  changes: Change[];
  /** Spec errors of a revision whose plan failed: the review cannot vouch for it. */
  invalid?: { revision: "base" | "head"; source: string; errors: SpecIssue[] }[];
}

export interface ReviewReport {
  /** The heading (default: "<base> → <head>"): the promotion view says which stacks it compares, drift names itself. */
  title?: string;
  base: string;
  head: string;
  stacks: StackReview[];
  counts: Record<Risk, number>;
}

const sectionOrder = Object.keys(SECTIONS);
export const byRisk = (a: Change, b: Change) =>
  RISK_ORDER.indexOf(a.risk) - RISK_ORDER.indexOf(b.risk) ||
  a.stack.localeCompare(b.stack) ||
  sectionOrder.indexOf(a.section) - sectionOrder.indexOf(b.section) ||
  a.text.localeCompare(b.text);

const isDirectory = (dir: string) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;

export interface ReviewOptions {
  dir: string;
  base: string;
  stacks?: string[];
  now?: Date;
  /** What the whole review may spend (default: this environment's limits), shared by every stack and revision. */
  budget?: CommandBudget;
}

/**
 * Plans the base revision and the working tree of each stack and reports what changes, in auth terms. A pull request
 * decides how many stacks, files and actions there are: one budget bounds the whole review, not each plan.
 */
export function review(options: ReviewOptions): Promise<ReviewReport> {
  return withCommandBudget(() => reviewAll(options), options.budget);
}

async function reviewAll(options: ReviewOptions): Promise<ReviewReport> {
  const now = options.now ?? new Date();
  if (!isDirectory(options.dir)) throw new UsageError(`--dir ${options.dir}: no such directory`);
  if ((await repositoryRoot(options.dir)) === undefined)
    throw new UsageError(
      `--dir ${options.dir}: not inside a git repository (the review compares a git revision, --base, with the working tree)`,
    );
  const commit = await resolveRevision(options.dir, options.base);
  const headSource = workingTree(options.dir);
  const baseSource = await gitRevision(options.dir, options.base, { workingTree: headSource.readFile });
  const all = [...new Set([...(await stacksOf(baseSource)), ...(await stacksOf(headSource))])].sort();
  // A review of a directory without stacks would say "no auth changes" and pass any gate: it is a usage error.
  if (all.length === 0)
    throw new UsageError(
      `--dir ${options.dir}: no Pulumi.<stack>.yaml in the working tree or in ${baseSource.label} (run it in the Pulumi project's directory, the one with Pulumi.yaml, or pass --dir)`,
    );
  const wanted = options.stacks ?? all;
  for (const s of wanted) {
    if (!all.includes(s))
      throw new UsageError(
        `--stack ${s}: no Pulumi.${s}.yaml in ${baseSource.label} or the working tree (${didYouMean(s, all)}stacks: ${all.join(", ") || "none"})`,
      );
  }
  const stats = new Map((await diffStat(options.dir, commit, ["actions"])).map((s) => [s.file, s]));
  const stacks: StackReview[] = [];
  for (const stack of wanted) stacks.push(await reviewStack(stack, options.dir, baseSource, headSource, now, stats));
  const counts = Object.fromEntries(RISK_ORDER.map((r) => [r, 0])) as Record<Risk, number>;
  for (const s of stacks) for (const c of s.changes) counts[c.risk]++;
  return { base: baseSource.label, head: headSource.label, stacks, counts };
}

async function reviewStack(
  stack: string,
  dir: string,
  baseSource: RevisionSource,
  headSource: RevisionSource,
  now: Date,
  sourceStats: Map<string, { added: number; removed: number }>,
): Promise<StackReview> {
  const [base, head] = await Promise.all([planAt(baseSource, stack, now, dir), planAt(headSource, stack, now, dir)]);
  const invalid = [
    ...(base && !base.ok ? [{ revision: "base" as const, source: `${baseSource.label}: ${base.source}`, errors: base.errors }] : []),
    ...(head && !head.ok ? [{ revision: "head" as const, source: `${headSource.label}: ${head.source}`, errors: head.errors }] : []),
  ];
  const stackChange = (kind: "stack.added" | "stack.removed", text: string): Change => {
    const f = { section: "stack" as const, kind, subject: stack, text };
    return { ...f, stack, risk: riskOf(f, stack) };
  };
  const plan = (r: PlanResult | undefined) => (r && r.ok ? r.plan : undefined);
  const changes: Change[] = [];
  if (!base) changes.push(stackChange("stack.added", `stack ${stack} is added`));
  if (!head)
    changes.push(
      stackChange("stack.removed", `stack ${stack} is removed from the repository (its deployed resources stay until pulumi destroy)`),
    );
  if (invalid.length === 0) {
    const ctx = { stack, now, sourceStats, ...(plan(base) ? { base: plan(base)! } : {}), ...(plan(head) ? { head: plan(head)! } : {}) };
    for (const detector of DETECTORS) {
      for (const f of await detector.detect(ctx)) changes.push({ ...f, stack, risk: riskOf(f, stack) });
    }
  }
  changes.sort(byRisk);
  const status = invalid.length ? "invalid" : !base ? "added" : !head ? "removed" : changes.length ? "changed" : "unchanged";
  return { stack, status, changes, ...(invalid.length ? { invalid } : {}) };
}
