import { describe, expect, it } from "vitest";
import { isProductionStack } from "../../src/spec/stacks";
import type { Plan } from "../../src/plan";
import type { ChangeKind, Finding, Risk } from "../../src/review/changes";
import { grantDetector as grants } from "../../src/kinds/grant/review";
import { RISK_RULES, riskOf, SENSITIVE_SCOPE } from "../../src/review/risk";
import { validateTenant } from "../../src/tenant/load";

/** Review risk rules: every scope word risk.ts knows, in any case, and every production stack name. */
const PRODUCTION = ["prod", "prod-eu", "prod-us-2", "production", "PROD", "Prod-EU", "prod2"];
const NOT_PRODUCTION = ["dev", "staging", "preprod", "pre-prod", "my-prod", "qa", "test-production", "p", "pro"];

describe("production stacks: every name that starts with prod, in any case", () => {
  it.each(PRODUCTION)("%s is production", (stack) => expect(isProductionStack(stack)).toBe(true));
  it.each(NOT_PRODUCTION)("%s is not", (stack) => expect(isProductionStack(stack)).toBe(false));

  it.each([...PRODUCTION.map((s) => [s, true] as const), ...NOT_PRODUCTION.map((s) => [s, false] as const)])(
    "%s: resources protected by default %s",
    async (stack, protect) => {
      const r = await validateTenant(
        { apis: { a: { identifier: "https://a.test" } } },
        { stack, now: new Date(0), readFile: async () => undefined },
      );
      expect(r.spec!.protect).toBe(protect);
    },
  );
});

const SENSITIVE_WORDS = ["delete", "destroy", "purge", "admin", "manage", "write", "root", "all", "*"];
/** The word as a whole segment of a scope, with each separator risk.ts knows, in lower, upper and mixed case. */
const spellings = (word: string) => {
  const cases = [word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1)];
  return [...new Set(cases)].flatMap((w) => [
    `orders:${w}`,
    `${w}:orders`,
    w,
    `orders.${w}`,
    `orders_${w}`,
    `orders/${w}`,
    `orders-${w}`,
    `a:${w}:b`,
  ]);
};

/** Runs the grants detector on two revisions of one application's grants and rates its findings for `stack`. */
async function gained(scope: string, stack: string): Promise<{ risk: Risk; finding: Finding }[]> {
  const plan = (scopes: string[]) =>
    ({ spec: { applications: { m2m: { type: "m2m", key: "m2m", grants: { orders: scopes } } } } }) as unknown as Plan;
  const findings = await grants.detect({
    stack,
    base: plan(["orders:list"]),
    head: plan(["orders:list", scope]),
    now: new Date(0),
    sourceStats: new Map(),
  });
  return findings.map((finding) => ({ risk: riskOf(finding, stack), finding }));
}

describe("a scope gained: destructive or administrative words weigh more, in any case", () => {
  it.each(SENSITIVE_WORDS.flatMap((w) => spellings(w)))("%s is sensitive", (scope) => {
    expect(SENSITIVE_SCOPE.test(scope)).toBe(true);
    expect(RISK_RULES["grant.scope-gained"]({ production: true, scope })).toBe("high");
    expect(RISK_RULES["grant.scope-gained"]({ production: false, scope })).toBe("medium");
  });

  it.each([
    "orders:read",
    "orders:READ",
    "reports:export",
    "orders:writer",
    "orders:rewrite",
    "orders:deleted",
    "undelete:orders",
    "orders:administer",
    "allow:orders",
    "orders:small",
    "rooted",
    "orders:manager",
    "orders:purged",
    "orders:destroyer",
    "orders:admins",
    "orders:writeable",
  ])("%s is not", (scope) => {
    expect(SENSITIVE_SCOPE.test(scope)).toBe(false);
    expect(RISK_RULES["grant.scope-gained"]({ production: true, scope })).toBe("medium");
    expect(RISK_RULES["grant.scope-gained"]({ production: false, scope })).toBe("low");
  });

  it("a grant with no scope named is rated by the stack alone", () => {
    expect(RISK_RULES["grant.scope-gained"]({ production: true })).toBe("medium");
    expect(RISK_RULES["grant.scope-gained"]({ production: false })).toBe("low");
  });

  it.each([
    ...["orders:write", "orders:WRITE", "orders:Write", "orders:delete", "orders:DELETE", "orders:admin", "orders:*"].flatMap((scope) => [
      { scope, stack: "prod", risk: "high" },
      { scope, stack: "prod-eu", risk: "high" },
      { scope, stack: "production", risk: "high" },
      { scope, stack: "dev", risk: "medium" },
      { scope, stack: "preprod", risk: "medium" },
    ]),
    ...["orders:read", "orders:READ"].flatMap((scope) => [
      { scope, stack: "prod", risk: "medium" },
      { scope, stack: "prod-eu", risk: "medium" },
      { scope, stack: "dev", risk: "low" },
    ]),
  ])("review: $scope gained in $stack is $risk", async ({ scope, stack, risk }) => {
    const out = await gained(scope, stack);
    expect(out).toEqual([
      { risk, finding: { section: "grants", kind: "grant.scope-gained", subject: "m2m", scope, text: `m2m gains ${scope} on orders` } },
    ]);
  });
});

/** Every change kind's risk in production and elsewhere: the policy in one table. */
const POLICY: Record<ChangeKind, [prod: Risk, other: Risk]> = {
  "stack.added": ["medium", "medium"],
  "stack.removed": ["high", "high"],
  "app.added": ["medium", "low"],
  "app.removed": ["high", "medium"],
  "app.type-changed": ["high", "high"],
  "app.metadata-changed": ["medium", "low"],
  "app.url-added": ["high", "medium"],
  "app.url-removed": ["medium", "low"],
  "app.setting-changed": ["low", "low"],
  "grant.scope-gained": ["medium", "low"],
  "grant.scope-lost": ["medium", "low"],
  "api.added": ["low", "low"],
  "api.removed": ["high", "medium"],
  "api.identifier-changed": ["high", "high"],
  "api.scope-added": ["low", "low"],
  "api.scope-removed": ["medium", "low"],
  "api.setting-changed": ["medium", "low"],
  "credential.added": ["low", "low"],
  "credential.retired": ["medium", "low"],
  "credential.stack-specific": ["info", "info"],
  "credential.expiring": ["medium", "medium"],
  "credential.method-reverted": ["high", "medium"],
  "credential.expiry-changed": ["medium", "low"],
  "rotation.unsafe": ["high", "high"],
  "action.added": ["high", "medium"],
  "action.removed": ["high", "medium"],
  "action.code-changed": ["high", "medium"],
  "action.deny-changed": ["high", "medium"],
  "action.secrets-changed": ["low", "low"],
  "action.runtime-changed": ["medium", "low"],
  "action.undeployed-edit": ["medium", "low"],
  "action.unbound": ["low", "low"],
  "claim.added": ["medium", "medium"],
  "claim.removed": ["medium", "medium"],
  "claim.changed": ["medium", "medium"],
  "binding.order-changed": ["medium", "medium"],
  "protected.deleted": ["high", "high"],
  "protect.disabled": ["high", "high"],
  "resource.replaced": ["high", "medium"],
  "role.added": ["medium", "low"],
  "role.removed": ["high", "medium"],
  "role.setting-changed": ["low", "low"],
  // A role gaining a permission widens every holder's access: high in production whatever the scope.
  "role.permission-gained": ["high", "low"],
  "role.permission-lost": ["medium", "low"],
};

describe("risk of every change kind, by stack", () => {
  it("the policy names every rule", () => expect(Object.keys(RISK_RULES).sort()).toEqual(Object.keys(POLICY).sort()));

  it.each(Object.entries(POLICY) as [ChangeKind, [Risk, Risk]][])("%s: %j", (kind, [prod, other]) => {
    const finding: Finding = { section: "stack", kind, subject: "x", text: "x" };
    for (const stack of PRODUCTION) expect(riskOf(finding, stack)).toBe(prod);
    for (const stack of NOT_PRODUCTION) expect(riskOf(finding, stack)).toBe(other);
  });

  it("a finding's scope reaches the scope-sensitive rule", () => {
    const finding: Finding = { section: "grants", kind: "grant.scope-gained", subject: "x", text: "x", scope: "orders:DELETE" };
    expect(riskOf(finding, "prod-eu")).toBe("high");
    expect(riskOf({ ...finding, scope: "orders:read" }, "prod-eu")).toBe("medium");
    expect(riskOf({ ...finding, scope: "orders:DELETE" }, "staging")).toBe("medium");
  });
});

/**
 * The same change made by hand in the live tenant (drift): the kinds whose origin raises their risk, and to what. Every
 * other kind is rated as in a pull request. (Access given or taken by hand is in effect already; nobody reviewed it.)
 */
const BY_HAND: Partial<Record<ChangeKind, [prod: Risk, other: Risk]>> = {
  "app.setting-changed": ["medium", "low"],
  "grant.scope-gained": ["high", "medium"],
  "grant.scope-lost": ["high", "medium"],
  "api.added": ["medium", "low"],
  "api.scope-removed": ["high", "medium"],
  "credential.added": ["high", "medium"],
  "credential.retired": ["high", "medium"],
  "action.secrets-changed": ["medium", "low"],
  "binding.order-changed": ["high", "medium"],
  "role.setting-changed": ["medium", "low"],
  "role.permission-gained": ["high", "medium"],
  "role.permission-lost": ["high", "medium"],
};

describe("the origin of a change (a pull request, or a hand edit in the tenant) may raise its risk, never lower it", () => {
  const rank = (r: Risk) => ["info", "low", "medium", "high"].indexOf(r);
  it.each(Object.keys(POLICY) as ChangeKind[])("%s", (kind) => {
    for (const scope of [undefined, "orders:read", "orders:delete"])
      for (const stack of [...PRODUCTION, ...NOT_PRODUCTION]) {
        const finding: Finding = { section: "stack", kind, subject: "x", text: "x", ...(scope ? { scope } : {}) };
        const inReview = riskOf(finding, stack);
        const byHand = riskOf({ ...finding, origin: "live" }, stack);
        expect(rank(byHand)).toBeGreaterThanOrEqual(rank(inReview));
        const floor = BY_HAND[kind];
        const expected = floor ? [floor[isProductionStack(stack) ? 0 : 1], inReview].sort((a, b) => rank(b) - rank(a))[0] : inReview;
        expect(byHand, `${kind} ${stack} ${scope}`).toBe(expected);
      }
  });
});
