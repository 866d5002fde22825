import type { TokenKind } from "./triggers";

/** `api.idToken.setCustomClaim("name", …)` / `api.accessToken.setCustomClaim('name', …)` with a literal name (as the policy pack reads them). */
const LITERAL_CLAIM_CALL = /(idToken|accessToken)\.setCustomClaim\(\s*(["'`])([^"'`]+)\2/g;

/**
 * The claims an action's code sets by literal name, in order of appearance, each once per token. For code that is
 * deployed as written (bundle: false) this is all the plan can say about its claims: they are not declared, and a
 * claim whose name is computed at run time is not found.
 */
export function literalClaimsOf(code: string): { name: string; token: TokenKind }[] {
  const seen = new Set<string>();
  const out: { name: string; token: TokenKind }[] = [];
  for (const m of code.matchAll(LITERAL_CLAIM_CALL)) {
    const token: TokenKind = m[1] === "idToken" ? "id" : "access";
    const id = `${token}\u0000${m[3]}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ name: m[3]!, token });
  }
  return out;
}
