import { isProductionStack } from "../spec/stacks";
import type { ChangeKind, Finding, Risk } from "./changes";

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
}

const byStack = (prod: Risk, other: Risk) => (f: RiskFacts) => (f.production ? prod : other);

export const RISK_RULES: Record<ChangeKind, (facts: RiskFacts) => Risk> = {
  "stack.added": () => "medium",
  "stack.removed": () => "high",
  "app.added": byStack("medium", "low"),
  "app.removed": byStack("high", "medium"),
  "app.type-changed": () => "high",
  "app.metadata-changed": byStack("medium", "low"),
  // A new callback (or logout URL, or web origin) is a place Auth0 will send users with their codes and tokens.
  "app.url-added": byStack("high", "medium"),
  "app.url-removed": byStack("medium", "low"),
  "app.setting-changed": () => "low",
  "grant.scope-gained": (f) =>
    f.scope !== undefined && SENSITIVE_SCOPE.test(f.scope) ? (f.production ? "high" : "medium") : f.production ? "medium" : "low",
  "grant.scope-lost": byStack("medium", "low"),
  "api.added": () => "low",
  "api.removed": byStack("high", "medium"),
  "api.identifier-changed": () => "high",
  "api.scope-added": () => "low",
  "api.scope-removed": byStack("medium", "low"),
  "api.setting-changed": byStack("medium", "low"),
  "credential.added": () => "low",
  "credential.retired": byStack("medium", "low"),
  // The promotion view: each stack holds its own keys by design; listed for information.
  "credential.stack-specific": () => "info",
  "credential.expiring": () => "medium",
  "credential.method-reverted": byStack("high", "medium"),
  "rotation.unsafe": () => "high",
  "action.added": byStack("high", "medium"),
  "action.removed": byStack("high", "medium"),
  "action.code-changed": byStack("high", "medium"),
  "action.deny-changed": byStack("high", "medium"),
  "action.secrets-changed": () => "low",
  "claim.added": () => "medium",
  "claim.removed": () => "medium",
  "claim.changed": () => "medium",
  "binding.order-changed": () => "medium",
  "protected.deleted": () => "high",
  "resource.replaced": byStack("high", "medium"),
  "protect.disabled": () => "high",
  // Drift. Made by hand on a production tenant, access (a grant, a key, a client secret) and code that runs on every
  // login or token (a binding, an action's code) are high: nobody reviewed them.
  "drift.unmanaged-grant": byStack("high", "medium"),
  "drift.unmanaged-credential": byStack("high", "medium"),
  "drift.unmanaged-binding": byStack("high", "medium"),
  "drift.code-changed": byStack("high", "medium"),
  "drift.missing": byStack("high", "medium"),
  "drift.unmanaged-app": byStack("medium", "low"),
  "drift.unmanaged-api": byStack("medium", "low"),
  "drift.changed": byStack("medium", "low"),
  "drift.unmanaged-scope": () => "low",
  "drift.unmanaged-action": () => "low",
};

export function riskOf(finding: Finding, stack: string): Risk {
  return RISK_RULES[finding.kind]({ production: isProductionStack(stack), ...(finding.scope ? { scope: finding.scope } : {}) });
}
