import { planStack, type Plan } from "../plan";
import { SpecError } from "../spec/issues";
import { RISK_ORDER, type Change, type Risk } from "./changes";
import { DETECTORS } from "./detectors";
import { byRisk, type ReviewReport } from "./review";
import { riskOf } from "./risk";

/**
 * The promotion view: how one stack differs from another, in the review's terms (who has which scopes where, claims,
 * keys, bindings). Read "billing gains orders:delete" as "billing has orders:delete in <to> but not in <from>".
 * Deployment steps (rotation safety, protected deletions) are left out: nothing is being deployed.
 */
export async function compareStacks(options: { dir: string; from: string; to: string; now?: Date }): Promise<ReviewReport> {
  const now = options.now ?? new Date();
  const [from, to] = await Promise.all([plan(options.dir, options.from, now), plan(options.dir, options.to, now)]);
  const ctx = { stack: options.to, now, sourceStats: new Map(), base: from, head: to, mode: "compare" as const };
  const changes: Change[] = [];
  for (const detector of DETECTORS) {
    for (const f of await detector.detect(ctx)) changes.push({ ...f, stack: options.to, risk: riskOf(f, options.to) });
  }
  changes.sort(byRisk);
  const counts = Object.fromEntries(RISK_ORDER.map((r) => [r, changes.filter((c) => c.risk === r).length])) as Record<Risk, number>;
  return {
    title: `How ${options.to} differs from ${options.from}`,
    base: options.from,
    head: options.to,
    stacks: [{ stack: options.to, status: changes.length ? "changed" : "unchanged", changes }],
    counts,
  };
}

async function plan(dir: string, stack: string, now: Date): Promise<Plan> {
  const result = await planStack(dir, stack, now);
  if (!result.ok) throw new SpecError(`${result.source} (fix it before comparing; npx auth0-tenant plan --stack ${stack})`, result.errors);
  return result.plan;
}
