import { closest, didYouMean, formatPath, listOrNone, type PathSegment, type SpecIssue } from "./issues";

/** `refs` (API key -> scopes) at `at`: every API declared, every scope defined on it, none listed twice. */
export function checkScopeRefs(
  at: PathSegment[],
  refs: Record<string, readonly string[]>,
  apiScopes: Map<string, string[]>,
  errors: SpecIssue[],
) {
  const apiKeys = [...apiScopes.keys()];
  for (const [apiKey, scopes] of Object.entries(refs)) {
    const path = [...at, apiKey];
    const defined = apiScopes.get(apiKey);
    if (!defined) {
      errors.push({
        path: formatPath(path),
        code: "not_declared",
        message: `API "${apiKey}" is not declared (${didYouMean(apiKey, apiKeys)}declared: ${listOrNone(apiKeys)})`,
      });
      continue;
    }
    const seen = new Set<string>();
    for (const [i, scope] of scopes.entries()) {
      if (seen.has(scope)) errors.push({ path: formatPath([...path, i]), code: "duplicate", message: `scope "${scope}" is listed twice` });
      seen.add(scope);
      if (!defined.includes(scope)) {
        const hint = closest(scope, defined);
        errors.push({
          path: formatPath([...path, i]),
          code: "scope_not_defined",
          message: `scope "${scope}" is not defined on API ${apiKey} (${hint ? `did you mean "${hint}"? ` : ""}defined: ${listOrNone(defined)})`,
        });
      }
    }
  }
}

/** Items whose `value` repeats an earlier one's, each reported at its own path. */
export function checkUnique<T>(items: T[], value: (t: T) => string, path: (t: T) => PathSegment[], what: string, errors: SpecIssue[]) {
  const seen = new Map<string, T>();
  for (const item of items) {
    const v = value(item);
    const first = seen.get(v);
    if (first !== undefined) {
      errors.push({
        path: formatPath(path(item)),
        code: "duplicate",
        message: `duplicate ${what} "${v}" (already used at ${formatPath(path(first))}; must be unique)`,
      });
    } else seen.set(v, item);
  }
}
