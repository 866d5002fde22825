import type { TokenKind } from "../spec/triggers";

/** The first line of every bundle this project builds (see bundle.ts CLAIMS_BANNER): the claims its spec declared. */
const CLAIMS_BANNER = "/* auth0-tenant:claims ";

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

/**
 * What an action's code says about its claims: the claims a bundle of this project declares in its first line (a
 * bundle deployed by this project and read back from Auth0), then its literal setCustomClaim calls.
 */
export function claimsInCode(code: string): { name: string; token: TokenKind }[] {
  const out: { name: string; token: TokenKind }[] = [];
  if (code.startsWith(CLAIMS_BANNER)) {
    try {
      const declared = JSON.parse(code.slice(CLAIMS_BANNER.length, code.indexOf(" */"))) as { name: string; tokens: TokenKind[] }[];
      for (const c of declared) for (const token of c.tokens) out.push({ name: c.name, token });
    } catch {
      // not a banner this project wrote
    }
  }
  for (const c of literalClaimsOf(code)) if (!out.some((o) => o.name === c.name && o.token === c.token)) out.push(c);
  return out;
}
