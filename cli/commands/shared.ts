import { Option } from "commander";
import type { Plan } from "../../src/plan";
import { didYouMean, listOrNone } from "../../src/spec/issues";
import { EXIT, UsageError, type Io } from "../io";
import { existing } from "./arguments";

/** --dir: the project; without it, the one found from the current directory up (main.ts fills it in before the action). */
export const dirOption = (io: Pick<Io, "cwd">, what = "the project directory") =>
  new Option("--dir <path>", `${what} (default: found from the current directory up)`).argParser(existing("--dir", io.cwd, "directory"));

/** Plans a stack for a command: the plan, or the spec errors on stderr and exit code 1. */
export async function planOrReport(io: Io, dir: string, stack: string): Promise<Plan | number> {
  await knownStack(dir, stack);
  const { planStack, renderErrors } = await import("../../src/plan");
  const result = await planStack(dir, stack);
  if (result.ok) return result.plan;
  io.err(renderErrors(result.source, result.errors) + "\n");
  return EXIT.findings;
}

/** A stack that has a file here, or a usage error with "did you mean" and the stacks there are. */
export async function knownStack(dir: string, stack: string, option = "--stack"): Promise<void> {
  const { listStacks } = await import("../../src/plan/plan");
  const stacks = await listStacks(dir);
  if (!stacks.includes(stack)) {
    throw new UsageError(
      `${option} ${stack}: no Pulumi.${stack}.yaml in ${dir} (${didYouMean(stack, stacks)}stacks: ${listOrNone(stacks)})`,
    );
  }
}

/** One of the names a plan declares, or a usage error naming the option, with "did you mean" and the choices. */
export function pick<T>(items: Record<string, T>, name: string, option: string, what: string): T {
  if (Object.hasOwn(items, name)) return items[name]!;
  const names = Object.keys(items);
  throw new UsageError(`${option} ${name}: no such ${what} (${didYouMean(name, names)}${what}s: ${listOrNone(names)})`);
}

/** A number option within bounds, or a usage error naming it. */
export function intOption(value: string, option: string, min: number, max: number, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${option} ${value}: ${what} (${min} to ${max})`);
  return n;
}

/**
 * A command's JSON result: indented for a person at a terminal, one line for a program (smaller and faster to write
 * for a big plan; `| jq .` indents it).
 */
export const json = (value: unknown, io: Pick<Io, "isTTY">) => JSON.stringify(value, null, io.isTTY ? 2 : undefined) + "\n";
