import { z } from "zod";
import { dict, toDict } from "../dict";
import { excerpt } from "../excerpt";
import { didYouMean, formatPath, type SpecIssue } from "./issues";
import { parseAt } from "./parse";
import { SCOPE_PATTERN } from "./schema";
import { strictObject } from "./strict";
import { API_SETTING_NAMES } from "../kinds/api/fields";
import { CLIENT_FIELD_NAMES, CREDENTIALS_FIELDS } from "../kinds/application/fields";
import { ROLE_FIELDS, ROLE_PERMISSIONS_FIELDS } from "../kinds/role/fields";

/**
 * `adopt:` — which existing Auth0 object each declared resource takes over on its first `pulumi up` (the `import`
 * resource option) instead of creating a duplicate. Keys are `<resource kind>/<logical name>`, the kind being the
 * provider type's module name; values are the ids the provider's importers take (terraform-provider-auth0 v1.53.0:
 * client and client credentials by client_id; a grant by its id; an API by its id; its scopes by its identifier; an
 * action by its id; trigger bindings by the trigger's id).
 */
export const ADOPT_KINDS = {
  client: "the application's client_id",
  clientCredentials: "the application's client_id",
  clientGrant: "the grant's id (cgr_…)",
  resourceServer: "the API's id",
  resourceServerScopes: "the API's identifier (its audience)",
  action: "the action's id",
  triggerActions: "the trigger's id (post-login, credentials-exchange)",
  role: "the role's id (rol_…)",
  rolePermissions: "the role's id (rol_…)",
} as const;
export type AdoptKind = keyof typeof ADOPT_KINDS;

/**
 * The inputs of each kind an adopt entry may leave as the provider reads them on the adopt run (`ignoreChanges`): what
 * the provider cannot read back (a credential's PEM, an action's `deploy` and secret values) and what the spec sets
 * differently from the tenant. With them the first `pulumi up` imports with zero differences; deleting `adopt:` makes
 * the next `pulumi up` apply them (docs/adopting-a-tenant.md).
 */
export const ADOPT_IGNORABLE: Record<AdoptKind, readonly string[]> = {
  client: CLIENT_FIELD_NAMES,
  clientCredentials: CREDENTIALS_FIELDS,
  clientGrant: ["scopes"],
  resourceServer: API_SETTING_NAMES,
  resourceServerScopes: ["scopes"],
  action: ["deploy", "secrets", "code", "runtime", "name"],
  triggerActions: ["actions"],
  role: ROLE_FIELDS,
  rolePermissions: ROLE_PERMISSIONS_FIELDS,
};

/** An `adopt:` entry: the Auth0 id alone, or the id and the inputs the adopt run leaves as the provider reads them. */
export interface AdoptEntry {
  id: string;
  ignoreChanges: string[];
}

/** The adopt key of a resource: `<kind>/<logical name>`, the kind read from its type token (auth0:index/client:Client → client). */
export const adoptKeyOf = (r: { type: string; name: string }): string => `${r.type.split("/")[1]!.split(":")[0]}/${r.name}`;

/** Most keys an error message lists; a tenant can declare thousands of resources. */
const LISTED_KEYS = 12;

const adoptId = z
  .string({ error: "must be the Auth0 id to adopt (a string)" })
  .min(1, { error: "must not be empty (the Auth0 id to adopt)" })
  .max(600, { error: "at most 600 characters" });

/** An entry is the id alone, or `{ id, ignoreChanges }` with inputs of its kind (ADOPT_IGNORABLE). */
function parseAdoptEntry(kind: AdoptKind, value: unknown, at: string[], errors: SpecIssue[]): AdoptEntry | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const id = parseAt(adoptId, value, at, errors);
    return id === undefined ? undefined : { id, ignoreChanges: [] };
  }
  const allowed = ADOPT_IGNORABLE[kind] as [string, ...string[]];
  const entry = strictObject({
    id: adoptId,
    ignoreChanges: z
      .array(
        z.enum(allowed, {
          error: (i) => `${excerpt(JSON.stringify(i.input))} is not an input of a ${kind} (allowed: ${allowed.join(", ")})`,
        }),
      )
      .max(allowed.length, { error: `at most ${allowed.length} inputs` })
      .default([]),
  });
  const parsed = parseAt(entry, value, at, errors);
  return parsed && { id: parsed.id, ignoreChanges: [...new Set(parsed.ignoreChanges)] };
}

/**
 * Validates `adopt:` against the resources the spec declares, entry by entry. `unparsed` are the keys of entries that
 * have errors of their own: an adopt key naming one of them is not reported again.
 */
export function resolveAdopt(raw: unknown, declared: string[], unparsed: Set<string>, errors: SpecIssue[]): Record<string, AdoptEntry> {
  const out = dict<AdoptEntry>();
  if (raw === undefined) return out;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    errors.push({ path: "adopt", code: "invalid_type", message: "must be a mapping of <resource kind>/<logical name> to an Auth0 id" });
    return out;
  }
  const allowed = new Set(declared);
  for (const [key, value] of Object.entries(raw)) {
    const path = formatPath(["adopt", key]);
    const [kind, ...rest] = key.split("/");
    const name = rest.join("/");
    if (allowed.has(key)) {
      const entry = parseAdoptEntry(kind as AdoptKind, value, ["adopt", key], errors);
      if (entry !== undefined) out[key] = entry;
      continue;
    }
    parseAt(adoptId, typeof value === "object" && value !== null && "id" in value ? value.id : value, ["adopt", key], errors);
    if (unparsed.has(name.split("/")[0]!)) continue;
    if (!Object.hasOwn(ADOPT_KINDS, kind!) || name === "") {
      errors.push({
        path,
        code: "not_declared",
        message: `${excerpt(key)} does not name a resource (allowed: <resource kind>/<logical name>; ${didYouMean(kind!, Object.keys(ADOPT_KINDS))}kinds: ${Object.keys(ADOPT_KINDS).join(", ")})`,
      });
      continue;
    }
    const sameKind = declared.filter((k) => k.startsWith(`${kind}/`));
    const shown =
      sameKind.slice(0, LISTED_KEYS).join(", ") + (sameKind.length > LISTED_KEYS ? `, … ${sameKind.length - LISTED_KEYS} more` : "");
    errors.push({
      path,
      code: "not_declared",
      message: `the spec declares no ${kind} named ${excerpt(name)}, so there is nothing to adopt it into (${didYouMean(key, declared)}allowed: ${shown || `none: no ${kind} is declared`})`,
    });
  }
  return out;
}

export interface UnmanagedClientSpec {
  clientId: string;
  name?: string;
  /** Key ids (kid) of its credentials. */
  credentials: string[];
  /** API identifier → scopes it is expected to hold. */
  grants: Record<string, string[]>;
}

const unmanagedClientSchema = strictObject({
  /** What it is, for people (e.g. "Deployer: pulumi up in CI"). */
  name: z.string().max(200, { error: "at most 200 characters" }).optional(),
  /** Its credentials' key ids (kid): another key on this client is drift. */
  credentials: z
    .array(z.string().regex(/^[0-9A-Za-z_-]{10,64}$/, { error: "a credential's kid (10 to 64 letters, digits, - and _)" }))
    .default([]),
  /** API identifier → the scopes this client is expected to hold on it; anything beyond is drift. */
  grants: z
    .record(z.string().min(1), z.array(z.string().regex(SCOPE_PATTERN, { error: "invalid scope name" })))
    .default({})
    .transform(toDict),
});

/**
 * `unmanaged:` — applications that exist in the tenant on purpose but are not managed by this stack (the deployer and
 * previewer of the Management API, say), keyed by client id, with the grants and keys they are expected to hold. The
 * drift report names nothing about them beyond what is listed here; everything else it still reports.
 */
export function parseUnmanaged(raw: unknown, errors: SpecIssue[]): Record<string, UnmanagedClientSpec> {
  if (raw === undefined) return dict();
  const schema = z.record(
    z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: "a client id (1 to 64 letters, digits, '.', '_' or '-')" }),
    unmanagedClientSchema,
  );
  const parsed = parseAt(schema, raw, ["unmanaged"], errors);
  return parsed ? dict(Object.entries(parsed).map(([id, c]) => [id, { clientId: id, ...c }])) : dict();
}
