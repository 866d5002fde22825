import { ProjectError } from "../errors";
import { excerpt } from "../excerpt";

/**
 * What kind of problem an issue is. Programs and tests branch on the code and the path; the message is for people.
 */
export type IssueCode =
  // the shape of the spec (from the schema)
  | "unknown_field"
  | "required"
  | "invalid_type"
  | "invalid_value"
  | "invalid_key"
  | "out_of_range"
  // references between parts of the spec
  | "not_declared"
  | "duplicate"
  | "scope_not_defined"
  | "wrong_trigger"
  | "not_bound"
  // files the spec points at
  | "file_not_found"
  | "file_unreadable"
  | "invalid_public_key"
  | "bundle_failed"
  | "handler_missing"
  // Auth0's rules and limits
  | "expired"
  | "expiring"
  | "after_certificate_expiry"
  | "key_shared"
  | "claim_dropped"
  | "claim_conflict"
  | "claim_not_namespaced"
  | "limit_exceeded"
  | "event_path_unknown"
  // action secrets
  | "secret_not_set"
  | "secret_not_encrypted"
  | "secret_too_long"
  | "secret_source_forbidden"
  // rotation safety against the last deployment
  | "rotation_swap"
  | "rotation_add_and_retire"
  | "rotation_key_changed"
  | "rotation_renamed"
  | "rotation_expiry_cleared";

/** One problem found in a tenant spec, addressed by its path inside the `tenant` config object. */
export interface SpecIssue {
  path: string;
  code: IssueCode;
  message: string;
  /** For a layered spec: the file (and layer) that wrote the value the issue is about. */
  file?: string;
}

export type PathSegment = string | number;

/** `applications.billing.credentials[0].algorithm`: the path a user would look for in their YAML. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else out += out === "" ? excerpt(s, 100) : `.${excerpt(s, 100)}`;
  }
  return out === "" ? "(root)" : out;
}

/** Builds an issue; `at` is a path or its segments. */
export function issue(at: string | readonly PathSegment[], code: IssueCode, message: string): SpecIssue {
  return { path: typeof at === "string" ? at : formatPath(at), code, message };
}

export function formatIssue(issue: SpecIssue): string {
  return `${issue.file ? `${issue.file}: ` : ""}${issue.path}: ${issue.message}`;
}

/** Reports list at most this many issues, then say how many more there are. */
export const MAX_LISTED_ISSUES = 100;

/** One line per issue (`  - path: message`), at most MAX_LISTED_ISSUES of them. */
export function issueLines(issues: readonly SpecIssue[]): string[] {
  const shown = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `  - ${formatIssue(i)}`);
  return issues.length > shown.length ? [...shown, `  … and ${issues.length - shown.length} more`] : shown;
}

/** Thrown when a spec has errors; carries every issue so they can be reported at once. */
export class SpecError extends ProjectError {
  readonly code = "ERR_SPEC_INVALID";
  readonly issues: readonly SpecIssue[];
  constructor(source: string, issues: readonly SpecIssue[]) {
    super(
      `${source}: ${issues.length} error${issues.length === 1 ? "" : "s"} in the tenant spec; nothing was declared.\n${issueLines(issues).join("\n")}`,
    );
    this.issues = issues;
  }
}

/** Case-insensitive edit distance, used for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.floor(word.length / 4));
  return bestDistance <= tolerance ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hint = closest(word, candidates);
  return hint === undefined ? "" : `did you mean "${hint}"? `;
}

export function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.join(", ");
}
