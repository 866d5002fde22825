import type { z } from "zod";
import { formatPath, type PathSegment, type SpecIssue } from "./issues";
import { KEY_MESSAGE_SEPARATOR } from "./strict";

/** Runs a zod schema and turns its issues into SpecIssues rooted at `base`. */
export function parseAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  base: readonly PathSegment[],
  issues: SpecIssue[],
): z.output<S> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    if (issue.code === "unrecognized_keys") {
      const messages = issue.message.split(KEY_MESSAGE_SEPARATOR);
      issue.keys.forEach((k, i) => issues.push({ path: formatPath([...path, k]), message: messages[i] ?? `unknown field "${k}"` }));
    } else if (issue.code === "invalid_key") {
      issues.push({ path: formatPath(path), message: issue.issues[0]?.message ?? issue.message });
    } else if (issue.code === "invalid_type" && issue.input === undefined) {
      issues.push({ path: formatPath(path), message: `is required (${describeExpected(issue.expected)})` });
    } else {
      issues.push({ path: formatPath(path), message: issue.message });
    }
  }
  return undefined;
}

function describeExpected(expected: string): string {
  return expected === "object" ? "a mapping" : `a ${expected}`;
}
