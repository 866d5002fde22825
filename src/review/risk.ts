import { isProductionStack } from "../spec/stacks";
import { RISK_ORDER, type ChangeKind, type Finding, type Risk } from "./changes";

/**
 * Risk levels, in one place. Change them here; the review, its summary and `--fail-on` follow.
 *
 * - high: widens what a client may do in production, or can take production down or lock a client out;
 * - medium: changes who can do what or what tokens say, or a production change that needs a second look;
 * - low: narrows access, or routine changes;
 * - info: no effect on access.
 */

/** Scope names that grant destructive or administrative power. */
export const SENSITIVE_SCOPE = /(^|[:._/-])(delete|destroy|purge|admin|manage|write|root|all|\*)($|[:._/-])/i;

export interface RiskFacts {
  production: boolean;
  scope?: string;
  /** "live": made by hand in the tenant (drift), which may raise a change's risk, never lower it. */
  origin?: "live";
}

type Rule = (facts: RiskFacts) => Risk;

const byStack = (prod: Risk, other: Risk) => (f: RiskFacts) => (f.production ? prod : other);
const higher = (a: Risk, b: Risk): Risk => (RISK_ORDER.indexOf(a) <= RISK_ORDER.indexOf(b) ? a : b);
/**
 * The same change made by hand in the live tenant: nobody reviewed it, and it is in effect already. At least `prod` /
 * `other`; never below what the change is worth in a pull request.
 */
const byHand =
  (rule: Rule, prod: Risk, other: Risk): Rule =>
  (f) =>
    f.origin === "live" ? higher(rule(f), f.production ? prod : other) : rule(f);

const scopeGained: Rule = (f) =>
  f.scope !== undefined && SENSITIVE_SCOPE.test(f.scope) ? (f.production ? "high" : "medium") : f.production ? "medium" : "low";

/**
 * The one risk table: review (a pull request's change) and drift (the same change found in the live tenant) both read
 * it, by change kind.
 */
export const RISK_RULES: Record<ChangeKind, Rule> = {
  "stack.added": () => "medium",
  "stack.removed": () => "high",
  "app.added": byStack("medium", "low"),
  "app.removed": byStack("high", "medium"),
  "app.type-changed": () => "high",
  "app.metadata-changed": byStack("medium", "low"),
  // A new callback (or logout URL, or web origin) is a place Auth0 will send users with their codes and tokens.
  "app.url-added": byStack("high", "medium"),
  "app.url-removed": byStack("medium", "low"),
  "app.setting-changed": byHand(() => "low", "medium", "low"),
  // Access (a grant, a key) given or taken by hand is in effect now: clients got it, or are failing.
  "grant.scope-gained": byHand(scopeGained, "high", "medium"),
  "grant.scope-lost": byHand(byStack("medium", "low"), "high", "medium"),
  "api.added": byHand(() => "low", "medium", "low"),
  "api.removed": byStack("high", "medium"),
  "api.identifier-changed": () => "high",
  "api.scope-added": () => "low",
  "api.scope-removed": byHand(byStack("medium", "low"), "high", "medium"),
  "api.setting-changed": byStack("medium", "low"),
  "credential.added": byHand(() => "low", "high", "medium"),
  "credential.retired": byHand(byStack("medium", "low"), "high", "medium"),
  // The promotion view: each stack holds its own keys by design; listed for information.
  "credential.stack-specific": () => "info",
  "credential.expiring": () => "medium",
  "credential.method-reverted": byStack("high", "medium"),
  "credential.expiry-changed": byStack("medium", "low"),
  "rotation.unsafe": () => "high",
  "action.added": byStack("high", "medium"),
  "action.removed": byStack("high", "medium"),
  "action.code-changed": byStack("high", "medium"),
  "action.deny-changed": byStack("high", "medium"),
  "action.secrets-changed": byHand(() => "low", "medium", "low"),
  "action.runtime-changed": byStack("medium", "low"),
  // Edits saved in the dashboard but not deployed: nothing runs them; pulumi up overwrites them.
  "action.undeployed-edit": byStack("medium", "low"),
  // An action bound to no trigger never runs.
  "action.unbound": () => "low",
  "claim.added": () => "medium",
  "claim.removed": () => "medium",
  "claim.changed": () => "medium",
  // Bound, unbound or reordered by hand: code that runs on every login or token, changed without review.
  "binding.order-changed": byHand(() => "medium", "high", "medium"),
  "protected.deleted": () => "high",
  "resource.replaced": byStack("high", "medium"),
  "protect.disabled": () => "high",
};

export function riskOf(finding: Finding, stack: string): Risk {
  return RISK_RULES[finding.kind]({
    production: isProductionStack(stack),
    ...(finding.scope ? { scope: finding.scope } : {}),
    ...(finding.origin ? { origin: finding.origin } : {}),
  });
}
