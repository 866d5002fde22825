import type { Finding, Risk } from "./changes";
import { riskFor } from "../kinds/vocabulary";
import { RISK_RULES } from "../kinds";

/**
 * Risk levels, in one table: each kind's rules (src/kinds/<kind>/review.ts) and the general ones (src/kinds/index.ts).
 * The review, its summary, drift and `--fail-on` follow them.
 */
export { RISK_RULES } from "../kinds";
export { SENSITIVE_SCOPE, type RiskFacts } from "../kinds/vocabulary";

export function riskOf(finding: Finding, stack: string): Risk {
  return riskFor(RISK_RULES, finding, stack);
}
