import type { DesiredState } from "../model";
import type { TenantModel } from "./models";
import type { TenantSpec } from "./specs";
import { isProductionStack } from "../spec/stacks";

/**
 * The words every kind's review, drift and risk rules are written in: risk levels, report sections, findings, the
 * detector's context. Each kind (./<kind>/index.ts) names its own change kinds and their risk rules with these.
 */

export type Risk = "high" | "medium" | "low" | "info";
export const RISK_ORDER: Risk[] = ["high", "medium", "low", "info"];

export const SECTIONS = {
  stack: "Stack",
  /** Drift: grants and keys made outside the spec, first (who can get which token). */
  access: "Access made outside the spec (grants and keys)",
  applications: "Applications",
  grants: "Grants",
  apis: "APIs and scopes",
  roles: "Roles",
  credentials: "Credentials",
  actions: "Claims and actions",
  protection: "Protected resources",
} as const;
export type Section = keyof typeof SECTIONS;

/** What a detector finds; review/risk.ts turns it into a Change with a risk level. */
export interface Finding<K extends string = string> {
  section: Section;
  kind: K;
  /** Who or what is affected, e.g. "billing" or "orders-api". */
  subject: string;
  /** One line in plain words, e.g. "billing gains orders:delete on orders-api". */
  text: string;
  /** The scope concerned, for scope-sensitive risk rules. */
  scope?: string;
  /**
   * Where the change was made: absent for a change to the repository (a review), "live" for one made by hand in the
   * tenant (drift). The origin may raise a change's risk, never lower it (risk rules below).
   */
  origin?: "live";
  details?: string[];
}

/** What a review or drift reads of a stack's plan (src/plan's Plan has these and more). */
export interface PlanView {
  stack: string;
  spec: TenantSpec;
  model: TenantModel;
  desired: DesiredState;
}

export interface DetectorContext {
  stack: string;
  base?: PlanView;
  head?: PlanView;
  now: Date;
  /** Lines added/removed per action source file between the revisions (git diff --numstat). */
  sourceStats: Map<string, { added: number; removed: number }>;
  /**
   * "change": base and head are two revisions of one stack (review). "compare": two stacks side by side, where
   * deployment steps (rotation safety, protected deletions) mean nothing.
   */
  mode?: "change" | "compare";
}

/** A detector compares one kind of thing between the base and head plans of a stack. */
export interface Detector<K extends string = string> {
  detect: (ctx: DetectorContext) => Finding<K>[] | Promise<Finding<K>[]>;
}

/**
 * Risk levels:
 * - high: widens what a client may do in production, or can take production down or lock a client out;
 * - medium: changes who can do what or what tokens say, or a production change that needs a second look;
 * - low: narrows access, or routine changes;
 * - info: no effect on access.
 */
export interface RiskFacts {
  production: boolean;
  scope?: string;
  /** "live": made by hand in the tenant (drift), which may raise a change's risk, never lower it. */
  origin?: "live";
}

export type Rule = (facts: RiskFacts) => Risk;

/** Scope names that grant destructive or administrative power. */
export const SENSITIVE_SCOPE = /(^|[:._/-])(delete|destroy|purge|admin|manage|write|root|all|\*)($|[:._/-])/i;

export const byStack =
  (prod: Risk, other: Risk): Rule =>
  (f) =>
    f.production ? prod : other;
const higher = (a: Risk, b: Risk): Risk => (RISK_ORDER.indexOf(a) <= RISK_ORDER.indexOf(b) ? a : b);
/**
 * The same change made by hand in the live tenant: nobody reviewed it, and it is in effect already. At least `prod` /
 * `other`; never below what the change is worth in a pull request.
 */
export const byHand =
  (rule: Rule, prod: Risk, other: Risk): Rule =>
  (f) =>
    f.origin === "live" ? higher(rule(f), f.production ? prod : other) : rule(f);

/** Access to a scope given: more when the scope is destructive or administrative, and in production. */
export const scopeGained: Rule = (f) =>
  f.scope !== undefined && SENSITIVE_SCOPE.test(f.scope) ? (f.production ? "high" : "medium") : f.production ? "medium" : "low";

export function riskFor(rules: Record<string, Rule>, finding: Finding, stack: string): Risk {
  return rules[finding.kind]!({
    production: isProductionStack(stack),
    ...(finding.scope ? { scope: finding.scope } : {}),
    ...(finding.origin ? { origin: finding.origin } : {}),
  });
}

/** A JSON-equal comparison for field values (arrays keep their order). */
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
export const list = (xs: readonly string[]) => xs.join(", ") || "(none)";
