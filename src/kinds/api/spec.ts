import { z } from "zod";
import { dict, isMapping, toDict } from "../../dict";
import { excerpt } from "../../excerpt";
import { checkUnique } from "../../spec/cross-checks";
import { formatPath, type SpecIssue } from "../../spec/issues";
import { keyedEntries, parseAt } from "../../spec/parse";
import { API_SIGNING_ALGS, displayName, oneOf, resourceKey, scopeName, seconds } from "../../spec/schema";
import { strictObject } from "../../spec/strict";
import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetimeForWeb } from "../../spec/token-lifetimes";
import type { KindSpec } from "../kind-spec";
import { TOKEN_DIALECTS } from "./fields";

export const apiSchema = strictObject({
  identifier: z
    .string()
    .min(1, { error: "must not be empty (the audience clients ask for, e.g. https://orders.example.com)" })
    .max(600, { error: "at most 600 characters" })
    .regex(/^\S+$/, { error: "must not contain white space (use a URI such as https://orders.example.com)" }),
  name: displayName.optional(),
  signingAlg: oneOf(API_SIGNING_ALGS).default("RS256"),
  tokenLifetime: seconds("a token lifetime").default(DEFAULT_TOKEN_LIFETIME),
  /** Tokens issued through the browser flows; at most tokenLifetime (default: the smaller of 7200 and tokenLifetime). */
  tokenLifetimeForWeb: seconds("a token lifetime").optional(),
  allowOfflineAccess: z.boolean().default(false),
  skipConsentForVerifiableFirstPartyClients: z.boolean().default(true),
  /** Role-based access control: the user's roles decide which of the API's scopes a token may carry. */
  enforcePolicies: z.boolean({ error: "must be true or false" }).optional(),
  /** What the access token says; the `_authz` dialects add the user's permissions (with enforcePolicies on). */
  tokenDialect: oneOf(TOKEN_DIALECTS).optional(),
  scopes: z
    .record(scopeName, z.string().max(500, { error: "a scope description is at most 500 characters" }))
    .default({})
    .transform(toDict),
});

export type ParsedApi = z.output<typeof apiSchema>;

export interface ApiSpec extends Omit<ParsedApi, "tokenLifetimeForWeb"> {
  key: string;
  name: string;
  tokenLifetimeForWeb: number;
}

/**
 * Each declared API's scope names: from the parsed API, or, when that API has errors of its own, from its raw
 * `scopes` mapping, so a bad grant or permission is still reported in the same pass.
 */
export function declaredScopes(given: Record<string, unknown>, apis: Record<string, ApiSpec>): Map<string, string[]> {
  const scopes = new Map<string, string[]>();
  for (const [key, raw] of keyedEntries(given, "apis")) {
    const parsed = apis[key];
    const rawScopes = isMapping(raw) && isMapping(raw.scopes) ? Object.keys(raw.scopes) : [];
    scopes.set(key, parsed ? Object.keys(parsed.scopes) : rawScopes);
  }
  return scopes;
}

/** An API (resource server) and its scopes. */
export const apiSpec = {
  at: "apis.<key>",
  schema: apiSchema,
  envelope: { apis: z.record(resourceKey, z.unknown()).default({}) },
  section: "apis" as const,
  parse: ({ given, errors }) => {
    const apis = dict<ApiSpec>();
    for (const [key, value] of keyedEntries(given, "apis")) {
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
    return apis;
  },
  check: (tenant: { apis: Record<string, ApiSpec> }, { errors, warnings }) => {
    checkUnique(
      Object.values(tenant.apis),
      (a) => a.identifier,
      (a) => ["apis", a.key, "identifier"],
      "API identifier",
      errors,
    );
    warnings.push(...confusableIdentifiers(Object.values(tenant.apis)));
  },
  declared: (given) => keyedEntries(given, "apis").map(([k]) => k),
} satisfies KindSpec<Record<string, ApiSpec>>;

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
