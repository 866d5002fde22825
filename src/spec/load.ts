import { z } from "zod";
import { isProductionStack } from "./stacks";
import { dict, isMapping, prototypeKeys } from "../dict";
import { excerpt } from "../excerpt";
import { assertNever, ProjectFileError, PublicKeyError } from "../errors";
import { closest, didYouMean, formatPath, listOrNone, SpecError, type PathSegment, type SpecIssue } from "./issues";
import { DEFAULT_EXPIRY_WARNING_DAYS, expiryWarnings } from "./expiry";
import { nonNamespacedAccessClaimWarnings, resolveActions } from "./actions";
import { adoptableKeys, parseUnmanaged, resolveAdopt, type AdoptEntry } from "./adopt";
import { parseAt } from "./parse";
import { flushKeyFacts } from "./key-facts-cache";
import { publicKeyInspection, type PublicKeyInfo } from "./public-key";
import { grantsOf } from "./grants";
import { apiSchema, applicationSchema, KEY_PATTERN, resourceKey, roleSchema, type ParsedCredential } from "./schema";
import { defaultTokenLifetimeForWeb } from "./token-lifetimes";
import { strictObject } from "./strict";
import type { ApiSpec, ApplicationSpec, CredentialSpec, RoleSpec, SpecContext, TenantSpec } from "./types";

/** The envelope only; each API and application is parsed on its own so one bad entry does not hide the others. */
const envelope = strictObject({
  protect: z.boolean({ error: "must be true or false" }).optional(),
  /** A spec that declares nothing empties the tenant on `pulumi up`; it must say so. */
  allowEmpty: z.boolean({ error: "must be true or false" }).optional(),
  apis: z.record(resourceKey, z.unknown()).default({}),
  applications: z.record(resourceKey, z.unknown()).default({}),
  roles: z.record(resourceKey, z.unknown()).default({}),
  actions: z.unknown().optional(),
  triggers: z.unknown().optional(),
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

const KEY_BATCH = 256;

export interface SpecResult {
  spec?: TenantSpec;
  errors: SpecIssue[];
  warnings: SpecIssue[];
}

/**
 * config → spec. Parses and cross-checks the whole tenant, reporting every problem it can find in one pass.
 * A spec is returned only when there are no errors.
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
  const top = parseAt(envelope, raw, [], errors);
  const given = raw;
  const entries = (field: "apis" | "applications" | "roles") =>
    isMapping(given[field]) ? Object.entries(given[field]).filter(([k]) => KEY_PATTERN.test(k)) : [];

  const apis = dict<ApiSpec>();
  for (const [key, value] of entries("apis")) {
    const api = parseAt(apiSchema, value, ["apis", key], errors);
    if (!api) continue;
    // The provider documents "cannot be greater than token_lifetime" and validates nothing
    // (terraform-provider-auth0 v1.53.0 internal/auth0/resourceserver/resource.go, token_lifetime_for_web).
    const tokenLifetimeForWeb = api.tokenLifetimeForWeb ?? defaultTokenLifetimeForWeb(api.tokenLifetime);
    if (tokenLifetimeForWeb > api.tokenLifetime) {
      errors.push({
        path: formatPath(["apis", key, "tokenLifetimeForWeb"]),
        code: "out_of_range",
        message: `${tokenLifetimeForWeb} is greater than tokenLifetime ${api.tokenLifetime} (allowed: at most tokenLifetime)`,
      });
      continue;
    }
    apis[key] = { ...api, key, name: api.name ?? key, tokenLifetimeForWeb };
  }
  const applications = dict<ApplicationSpec>();
  const parsedApps = entries("applications").map(
    ([key, value]) => [key, parseAt(applicationSchema, value, ["applications", key], errors)] as const,
  );
  // Key files are read a batch of applications at a time (a git revision's reader answers a batch in one round trip; a
  // batch, not the whole tenant, keeps each step's objects short-lived); each batch is handed to the inspection as it
  // is read, so keys not in the facts cache are parsed on the other cores while the next batches are read. Results
  // keep their order.
  const reads: KeyRead[][] = [];
  const inspection = publicKeyInspection();
  for (let i = 0; i < parsedApps.length; i += KEY_BATCH) {
    const batch = parsedApps
      .slice(i, i + KEY_BATCH)
      .map(([key, app]) =>
        Promise.all((app?.credentials ?? []).map((cred, c) => readKey(cred, formatPath(["applications", key, "credentials", c]), ctx))),
      );
    const read = await Promise.all(batch);
    reads.push(...read);
    inspection.add(read.flat().flatMap((r) => (typeof r === "string" ? [r] : [])));
  }
  const inspected = await inspection.results();
  let nextInspected = 0;
  const resolved = parsedApps.map(([key, app], i) => {
    const credentialErrors: SpecIssue[] = [];
    const credentials = app?.credentials
      ? resolveCredentials(
          app.credentials,
          ["applications", key, "credentials"],
          ctx,
          credentialErrors,
          reads[i]!,
          () => inspected[nextInspected++]!,
        )
      : undefined;
    return { credentials, credentialErrors };
  });
  for (const [i, [key, app]] of parsedApps.entries()) {
    const { credentials, credentialErrors } = resolved[i]!;
    errors.push(...credentialErrors);
    if (!app) continue;
    const { credentials: _parsed, ...rest } = app;
    // `key` before the spread: `{ ...rest, key }` gives each object a hidden class of its own (test/hidden-classes.test.ts)
    switch (rest.type) {
      case "m2m": // private_key_jwt: always a credentials list, possibly empty
        applications[key] = { key, ...rest, name: app.name ?? key, credentials: credentials ?? [] };
        break;
      case "regular_web":
        applications[key] = { key, ...rest, name: app.name ?? key, ...(credentials ? { credentials } : {}) };
        break;
      default:
        assertNever(rest, "application type");
    }
  }

  const { actions, triggers } = await resolveActions(given.actions, given.triggers, ctx, errors, warnings);
  warnings.push(...nonNamespacedAccessClaimWarnings(actions));

  checkUnique(
    Object.values(apis),
    (a) => a.identifier,
    (a) => ["apis", a.key, "identifier"],
    "API identifier",
    errors,
  );
  checkUnique(
    Object.values(applications),
    (a) => a.name,
    (a) => ["applications", a.key, "name"],
    "application name",
    errors,
  );
  checkGrants(applications, declaredScopes(entries("apis"), apis), errors);
  checkKeysNotShared(applications, errors);
  const roles = dict<RoleSpec>();
  for (const [key, value] of entries("roles")) {
    const role = parseAt(roleSchema, value, ["roles", key], errors);
    if (role) roles[key] = { key, ...role, name: role.name ?? key };
  }
  checkRolePermissions(roles, declaredScopes(entries("apis"), apis), errors);
  checkUnique(
    Object.values(roles),
    (r) => r.name,
    (r) => ["roles", r.key, "name"],
    "role name",
    errors,
  );
  flushKeyFacts();
  warnings.push(...confusableIdentifiers(Object.values(apis)));
  checkUnique(
    Object.values(actions),
    (a) => a.name,
    (a) => ["actions", a.key, "name"],
    "action name",
    errors,
  );
  // adopt: is checked against every declared resource key only when there is one (a tenant declares thousands).
  const adoptEntries = given.adopt === undefined ? dict<AdoptEntry>() : checkedAdopt();
  const adopt = dict(Object.entries(adoptEntries).map(([k, e]) => [k, e.id]));
  const deferred = Object.entries(adoptEntries).filter(([, e]) => e.ignoreChanges.length > 0);
  function checkedAdopt() {
    const unparsed = new Set(
      [
        ...entries("apis"),
        ...entries("applications"),
        ...entries("roles"),
        ...(isMapping(given.actions) ? Object.entries(given.actions) : []),
      ]
        .map(([k]) => k)
        .filter((k) => !apis[k] && !applications[k] && !actions[k] && !roles[k]),
    );
    return resolveAdopt(given.adopt, adoptableKeys({ apis, applications, actions, triggers, roles }), unparsed, errors);
  }
  const unmanaged = parseUnmanaged(given.unmanaged, errors);

  const declaresNothing =
    entries("apis").length + entries("applications").length === 0 && (!isMapping(given.actions) || Object.keys(given.actions).length === 0);
  if (top && declaresNothing && top.allowEmpty !== true) {
    errors.push({
      path: "(root)",
      code: "required",
      message:
        "the tenant spec declares nothing: `pulumi up` would delete every unprotected resource this stack manages (declare apis, applications and actions; to empty the tenant on purpose, write `allowEmpty: true`)",
    });
  }
  if (top) warnings.push(...expiryWarnings(applications, ctx.now, top.credentialExpiryWarningDays));
  if (errors.length > 0 || !top) return { errors, warnings };
  const spec = {
    stack: ctx.stack,
    protect: top.protect ?? isProductionStack(ctx.stack),
    credentialExpiryWarningDays: top.credentialExpiryWarningDays,
    apis,
    applications,
    actions,
    ...(Object.keys(roles).length > 0 ? { roles } : {}),
    triggers,
    adopt,
    ...(deferred.length > 0 ? { adoptIgnoreChanges: dict(deferred.map(([k, e]) => [k, e.ignoreChanges])) } : {}),
    unmanaged,
  };
  return { spec, errors, warnings };
}

/** Like validateTenant, but throws a SpecError listing every problem. */
export async function loadTenant(raw: unknown, ctx: SpecContext & { source?: string }): Promise<SpecResult & { spec: TenantSpec }> {
  const result = await validateTenant(raw, ctx);
  if (!result.spec) throw new SpecError(ctx.source ?? `stack ${ctx.stack}`, result.errors);
  return result as SpecResult & { spec: TenantSpec };
}

/** A credential's key file: its text, or why it could not be read. */
type KeyRead = string | SpecIssue;

async function readKey(cred: ParsedCredential, at: string, ctx: SpecContext): Promise<KeyRead> {
  let text: string | undefined;
  try {
    text = await ctx.readFile(cred.publicKey);
  } catch (e) {
    if (!(e instanceof ProjectFileError)) throw e;
    return { path: `${at}.publicKey`, code: "file_unreadable", message: e.message };
  }
  if (text === undefined) {
    return {
      path: `${at}.publicKey`,
      code: "file_not_found",
      message: `file ${cred.publicKey} not found (public keys live in keys/; create one with \`npx auth0-tenant keys new <app>\`)`,
    };
  }
  return text;
}

/** `inspected` answers, in order, for each credential whose key file was read. */
function resolveCredentials(
  credentials: ParsedCredential[],
  base: PathSegment[],
  ctx: SpecContext,
  errors: SpecIssue[],
  reads: KeyRead[],
  inspected: () => PublicKeyInfo | PublicKeyError,
): CredentialSpec[] | undefined {
  const names = new Map<string, number>();
  for (const [i, cred] of credentials.entries()) {
    const at = (...rest: PathSegment[]) => formatPath([...base, i, ...rest]);
    const sameName = names.get(cred.name);
    if (sameName !== undefined)
      errors.push({
        path: at("name"),
        code: "duplicate",
        message: `duplicate credential name "${cred.name}" (also used by credentials[${sameName}]; names must be unique per application)`,
      });
    names.set(cred.name, i);
    if (cred.expiresAt !== undefined && Date.parse(cred.expiresAt) <= ctx.now.getTime()) {
      errors.push({
        path: at("expiresAt"),
        code: "expired",
        message: `${cred.expiresAt} is in the past (an expired credential cannot authenticate; retire it or set a future date)`,
      });
    }
  }
  const resolved = credentials.map((cred, i) => {
    const read = reads[i]!;
    if (typeof read !== "string") return void errors.push(read);
    return resolveKey(cred, formatPath([...base, i]), ctx, errors, inspected());
  });
  return resolved.every((c) => c !== undefined) ? resolved : undefined;
}

function resolveKey(
  cred: ParsedCredential,
  at: string,
  ctx: SpecContext,
  errors: SpecIssue[],
  key: PublicKeyInfo | PublicKeyError,
): CredentialSpec | undefined {
  if (key instanceof PublicKeyError) {
    errors.push({ path: `${at}.publicKey`, code: "invalid_public_key", message: `${cred.publicKey} ${key.message}` });
    return undefined;
  }
  const notAfter = key.certificateNotAfter;
  if (notAfter && notAfter.getTime() <= ctx.now.getTime()) {
    errors.push({
      path: `${at}.publicKey`,
      code: "expired",
      message: `certificate in ${cred.publicKey} expired on ${notAfter.toISOString()} (use a certificate that is still valid)`,
    });
  }
  if (notAfter && cred.expiresAt !== undefined && Date.parse(cred.expiresAt) > notAfter.getTime()) {
    errors.push({
      path: `${at}.expiresAt`,
      code: "after_certificate_expiry",
      message: `${cred.expiresAt} is after the certificate's own expiry ${notAfter.toISOString()} (allowed: on or before it)`,
    });
  }
  const parseExpiryFromCert = key.format === "x509" && cred.expiresAt === undefined;
  const effectiveExpiresAt = cred.expiresAt ?? (parseExpiryFromCert ? notAfter?.toISOString() : undefined);
  return { key, ...cred, parseExpiryFromCert, ...(effectiveExpiresAt ? { effectiveExpiresAt } : {}) };
}

function checkUnique<T>(items: T[], value: (t: T) => string, path: (t: T) => PathSegment[], what: string, errors: SpecIssue[]) {
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

/**
 * Each declared API's scope names: from the parsed API, or, when that API has errors of its own, from its raw
 * `scopes` mapping, so a bad grant is still reported in the same pass.
 */
function declaredScopes(rawApis: [string, unknown][], apis: Record<string, ApiSpec>): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  for (const [key, raw] of rawApis) {
    const parsed = apis[key];
    const rawScopes = isMapping(raw) && isMapping(raw.scopes) ? Object.keys(raw.scopes) : [];
    scopes.set(key, parsed ? Object.keys(parsed.scopes) : rawScopes);
  }
  return scopes;
}

/** Each scope an application is granted names a declared API and a scope that API declares. */
function checkGrants(applications: Record<string, ApplicationSpec>, apiScopes: Map<string, string[]>, errors: SpecIssue[]) {
  for (const app of Object.values(applications)) checkScopeRefs(["applications", app.key, "grants"], grantsOf(app), apiScopes, errors);
}

/** Each permission of a role names a declared API and a scope that API declares. */
function checkRolePermissions(roles: Record<string, RoleSpec>, apiScopes: Map<string, string[]>, errors: SpecIssue[]) {
  for (const role of Object.values(roles)) checkScopeRefs(["roles", role.key, "permissions"], role.permissions, apiScopes, errors);
}

/** `refs` (API key -> scopes) at `at`: every API declared, every scope defined on it, none listed twice. */
function checkScopeRefs(at: PathSegment[], refs: Record<string, readonly string[]>, apiScopes: Map<string, string[]>, errors: SpecIssue[]) {
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

/** One key pair per client: a key shared between applications lets one service impersonate the other. */
function checkKeysNotShared(applications: Record<string, ApplicationSpec>, errors: SpecIssue[]) {
  const owners = new Map<string, string>();
  for (const app of Object.values(applications)) {
    for (const [i, cred] of (app.credentials ?? []).entries()) {
      const where = formatPath(["applications", app.key, "credentials", i]);
      const first = owners.get(cred.key.thumbprint);
      if (first !== undefined) {
        errors.push({
          path: `${where}.publicKey`,
          code: "key_shared",
          message: `the same public key (thumbprint ${cred.key.thumbprint}) is already used by ${first} (each credential needs its own key pair)`,
        });
      } else owners.set(cred.key.thumbprint, where);
    }
  }
}

/**
 * Two audiences that differ only by a trailing slash or letter case are different APIs to Auth0, and a client that
 * asks for the other spelling gets "Service not found": say so at plan time.
 */
function confusableIdentifiers(apis: ApiSpec[]): SpecIssue[] {
  const canonical = (id: string) => id.toLowerCase().replace(/\/+$/, "");
  const first = new Map<string, ApiSpec>();
  const out: SpecIssue[] = [];
  for (const api of apis) {
    const seen = first.get(canonical(api.identifier));
    if (seen && seen.identifier !== api.identifier) {
      out.push({
        path: formatPath(["apis", api.key, "identifier"]),
        code: "duplicate",
        message: `${excerpt(api.identifier)} differs from apis.${seen.key}.identifier (${excerpt(seen.identifier)}) only by case or a trailing slash: two audiences that clients will confuse`,
      });
    } else if (!seen) first.set(canonical(api.identifier), api);
  }
  return out;
}
