import { z } from "zod";
import { formatPath, type IssueCode, type PathSegment, type SpecIssue } from "./issues";
import { KEY_MESSAGE_SEPARATOR } from "./strict";
import { isMapping } from "../dict";
import { KEY_PATTERN } from "./schema";

/** zod's issue codes → ours. A refine() or union failure is a value the rules do not allow. */
const CODES: Record<string, IssueCode> = {
  invalid_type: "invalid_type",
  invalid_value: "invalid_value",
  invalid_format: "invalid_value",
  invalid_union: "invalid_value",
  invalid_element: "invalid_value",
  custom: "invalid_value",
  too_small: "out_of_range",
  too_big: "out_of_range",
  not_multiple_of: "out_of_range",
  invalid_key: "invalid_key",
};

/**
 * A schema run this many times in one process is compiled (zod's z.compile: generated code for the valid case, the
 * same schema's own parser for anything it does not accept, so every issue and message is the runtime's). Compiling
 * costs more than a few runs save; a tenant's applications run one schema thousands of times.
 */
export const COMPILE_AFTER_RUNS = 64;
const runs = new WeakMap<z.ZodType, number>();
const compiled = new WeakMap<z.ZodType, z.ZodType>();

function runnable<S extends z.ZodType>(schema: S): S {
  const ready = compiled.get(schema);
  if (ready) return ready as S;
  const count = (runs.get(schema) ?? 0) + 1;
  runs.set(schema, count);
  if (count < COMPILE_AFTER_RUNS) return schema;
  const fast = z.compile(schema);
  compiled.set(schema, fast);
  return fast;
}

/** Runs a zod schema and turns its issues into SpecIssues rooted at `base`. */
export function parseAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  base: readonly PathSegment[],
  issues: SpecIssue[],
): z.output<S> | undefined {
  const result = runnable(schema).safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const zodIssue of result.error.issues) {
    const path = [...base, ...(zodIssue.path as PathSegment[])];
    if (zodIssue.code === "unrecognized_keys") {
      const messages = zodIssue.message.split(KEY_MESSAGE_SEPARATOR);
      zodIssue.keys.forEach((k, i) =>
        issues.push({ path: formatPath([...path, k]), code: "unknown_field", message: messages[i] ?? `unknown field "${k}"` }),
      );
    } else if (zodIssue.code === "invalid_key") {
      issues.push({ path: formatPath(path), code: "invalid_key", message: zodIssue.issues[0]?.message ?? zodIssue.message });
    } else if (zodIssue.code === "invalid_type" && zodIssue.input === undefined) {
      issues.push({ path: formatPath(path), code: "required", message: `is required (${describeExpected(zodIssue.expected)})` });
    } else if (
      zodIssue.code === "invalid_union" &&
      zodIssue.path.at(-1) === "type" &&
      (zodIssue.input as { type?: unknown } | undefined)?.type === undefined
    ) {
      // a discriminated union whose discriminator is missing (an application without `type`)
      issues.push({ path: formatPath(path), code: "required", message: zodIssue.message });
    } else {
      issues.push({ path: formatPath(path), code: CODES[zodIssue.code] ?? "invalid_value", message: zodIssue.message });
    }
  }
  return undefined;
}

function describeExpected(expected: string): string {
  return expected === "object" ? "a mapping" : `a ${expected}`;
}

/** The entries of a keyed section of the stack file, those with valid keys (the envelope reports the others). */
export function keyedEntries(given: Record<string, unknown>, section: string): [string, unknown][] {
  const raw = given[section];
  return isMapping(raw) ? Object.entries(raw).filter(([k]) => KEY_PATTERN.test(k)) : [];
}
