import { z } from "zod";
import { dict, isMapping, prototypeKeys } from "../dict";
import type { KindSpec } from "../kinds/kind-spec";
import { KIND_SPECS, type TenantSpec } from "../kinds/specs";
import { parseUnmanaged, resolveAdopt, type AdoptEntry } from "../spec/adopt";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "../spec/expiry";
import { formatPath, SpecError, type SpecIssue } from "../spec/issues";
import { parseAt } from "../spec/parse";
import { isProductionStack } from "../spec/stacks";
import { strictObject } from "../spec/strict";
import type { SpecContext } from "../spec/types";
import { adoptableKeys } from "./adopt";

const KINDS: KindSpec[] = Object.values(KIND_SPECS);

/** The envelope only: each kind's section, in the registry's order, between the stack's own settings. Entries are parsed one by one. */
const envelope = strictObject({
  protect: z.boolean({ error: "must be true or false" }).optional(),
  /** A spec that declares nothing empties the tenant on `pulumi up`; it must say so. */
  allowEmpty: z.boolean({ error: "must be true or false" }).optional(),
  ...(Object.assign({}, ...KINDS.map((k) => k.envelope)) as z.ZodRawShape),
  /** `<kind>/<name>` → Auth0 id: existing objects the first `pulumi up` imports (src/spec/adopt.ts). */
  adopt: z.unknown().optional(),
  /** Applications that exist on purpose but are not managed here (the drift report's acknowledgements). */
  unmanaged: z.unknown().optional(),
  credentialExpiryWarningDays: z
    .number({ error: "must be a whole number of days" })
    .int({ error: "must be a whole number of days" })
    .min(0, { error: "must be 0 or more days" })
    .max(365, { error: "at most 365 days" })
    .default(DEFAULT_EXPIRY_WARNING_DAYS),
});

export interface SpecResult {
  spec?: TenantSpec;
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

/**
 * config → spec. Parses and cross-checks the whole tenant, reporting every problem it can find in one pass: every
 * kind's entries (src/kinds/<kind>/spec.ts, in the registry's order), then every kind's cross-checks. A spec is
 * returned only when there are no errors.
 */
export async function validateTenant(raw: unknown, ctx: SpecContext): Promise<SpecResult> {
  const errors: SpecIssue[] = [];
  const warnings: SpecIssue[] = [];
  if (raw === null || raw === undefined) {
    const message =
      "the tenant spec is empty: `pulumi up` would delete every unprotected resource this stack manages (declare apis, applications and actions; to empty the tenant on purpose, write `allowEmpty: true`)";
    return { errors: [{ path: "(root)", code: "required", message }], warnings };
  }
  if (!isMapping(raw)) {
    return {
      errors: [{ path: "(root)", code: "invalid_type", message: "the tenant spec must be a mapping with apis and applications" }],
      warnings,
    };
  }
  const protoKeys = prototypeKeys(raw);
  if (protoKeys.length > 0) {
    return {
      errors: protoKeys.map((p) => ({
        path: formatPath(p),
        code: "invalid_key",
        message: "a __proto__ key is never data (it would name an object's prototype); rename it",
      })),
      warnings,
    };
  }
  // The envelope reports unknown fields and bad keys, but one bad entry must not hide problems in the others.
  const top = parseAt(envelope, raw, [], errors) as
    { protect?: boolean; allowEmpty?: boolean; credentialExpiryWarningDays: number } | undefined;
  const given = raw;
  const input = {
    given,
    ctx,
    errors,
    warnings,
    ...(top ? { options: { credentialExpiryWarningDays: top.credentialExpiryWarningDays } } : {}),
  };
  const sections: Record<string, unknown> = {};
  for (const kind of KINDS) if (kind.parse && kind.section) sections[kind.section] = await kind.parse(input);
  for (const kind of KINDS) kind.check?.(sections as never, input);

  // adopt: is checked against every declared resource key only when there is one (a tenant declares thousands).
  const adoptEntries = given.adopt === undefined ? dict<AdoptEntry>() : checkedAdopt();
  const adopt = dict(Object.entries(adoptEntries).map(([k, e]) => [k, e.id]));
  const deferred = Object.entries(adoptEntries).filter(([, e]) => e.ignoreChanges.length > 0);
  function checkedAdopt() {
    const parsed = (k: string) =>
      KINDS.some((kind) => kind.declared && kind.section && (sections[kind.section] as Record<string, unknown>)[k] !== undefined);
    const unparsed = new Set(KINDS.flatMap((kind) => kind.declared?.(given) ?? []).filter((k) => !parsed(k)));
    return resolveAdopt(given.adopt, adoptableKeys(sections as never), unparsed, errors);
  }
  const unmanaged = parseUnmanaged(given.unmanaged, errors);

  const declaresNothing = KINDS.every((kind) => !kind.declared || kind.alone === false || kind.declared(given).length === 0);
  if (top && declaresNothing && top.allowEmpty !== true) {
    errors.push({
      path: "(root)",
      code: "required",
      message:
        "the tenant spec declares nothing: `pulumi up` would delete every unprotected resource this stack manages (declare apis, applications and actions; to empty the tenant on purpose, write `allowEmpty: true`)",
    });
  }
  if (errors.length > 0 || !top) return { errors, warnings };
  const kindSections = dict(
    KINDS.flatMap((kind) => {
      if (!kind.section) return [];
      const value = sections[kind.section];
      const empty = kind.omitEmpty && isMapping(value) && Object.keys(value).length === 0;
      return empty ? [] : [[kind.section, value] as const];
    }),
  );
  const spec = {
    stack: ctx.stack,
    protect: top.protect ?? isProductionStack(ctx.stack),
    credentialExpiryWarningDays: top.credentialExpiryWarningDays,
    ...kindSections,
    adopt,
    ...(deferred.length > 0 ? { adoptIgnoreChanges: dict(deferred.map(([k, e]) => [k, e.ignoreChanges])) } : {}),
    unmanaged,
  } as TenantSpec;
  return { spec, errors, warnings };
}

/** Like validateTenant, but throws a SpecError listing every problem. */
export async function loadTenant(raw: unknown, ctx: SpecContext & { source?: string }): Promise<SpecResult & { spec: TenantSpec }> {
  const result = await validateTenant(raw, ctx);
  if (!result.spec) throw new SpecError(ctx.source ?? `stack ${ctx.stack}`, result.errors);
  return result as SpecResult & { spec: TenantSpec };
}
