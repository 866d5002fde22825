import { z } from "zod";
import { toDict } from "../dict";
import { excerpt } from "../excerpt";
import { strictObject } from "./strict";
import { TOKEN_DIALECTS } from "../kinds/api/fields";

/**
 * The shape of the `auth0-tenant:tenant` stack config object, entry by entry. Field-level rules live here; rules
 * that relate fields to each other (or to files) live in ./load.ts and ./actions.ts.
 */

export const KEY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const keyRule = "lower-case letters, digits and dashes, starting with a letter, at most 63 characters";
export const resourceKey = z.string().regex(KEY_PATTERN, { error: `invalid key (allowed: ${keyRule})` });

/** RFC 6749 scope-token characters; Auth0 also caps a scope value at 280 characters. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]{1,280}$/;
const scopeName = z.string().regex(SCOPE_PATTERN, {
  error: "invalid scope name (allowed: 1 to 280 printable ASCII characters without spaces, quotes or backslashes)",
});

export const API_SIGNING_ALGS = ["RS256", "PS256"] as const;
export { CREDENTIAL_ALGORITHMS as CREDENTIAL_ALGS } from "../algorithms";
import { CREDENTIAL_ALGORITHMS as CREDENTIAL_ALGS } from "../algorithms";
export const MAX_CREDENTIALS = 2;
export { DEFAULT_TOKEN_LIFETIME, DEFAULT_TOKEN_LIFETIME_FOR_WEB, TOKEN_LIFETIME } from "./token-lifetimes";
import { DEFAULT_TOKEN_LIFETIME, TOKEN_LIFETIME } from "./token-lifetimes";

const seconds = (what: string) =>
  z
    .number({ error: "must be a whole number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(TOKEN_LIFETIME.min, { error: `${what} must be at least ${TOKEN_LIFETIME.min} seconds` })
    .max(TOKEN_LIFETIME.max, { error: `${what} must be at most ${TOKEN_LIFETIME.max} seconds (30 days)` });

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (i) => `${excerpt(JSON.stringify(i.input))} is not allowed (allowed: ${values.join(", ")})` });

const displayName = z.string().trim().min(1, { error: "must not be empty" }).max(128, { error: "at most 128 characters" });

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

export const credentialSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    error: "invalid credential name (allowed: letters, digits, '.', '_' and '-', at most 128 characters)",
  }),
  publicKey: z
    .string()
    .regex(/^keys\/[A-Za-z0-9._/-]+\.(pem|crt)$/, {
      error: "must be a path under keys/ ending in .pem or .crt (e.g. keys/billing-2026-q1.pem)",
    })
    .refine((p) => !p.split("/").includes(".."), { error: "must not leave keys/ (no '..')" }),
  algorithm: oneOf(CREDENTIAL_ALGS).default("RS256"),
  expiresAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2027-03-31T00:00:00Z" }).optional(),
  // Auth0 generates the kid (the key's RFC 7638 thumbprint) and the provider cannot set it
  // (terraform-provider-auth0 v1.53.0 internal/auth0/client/resource_credentials_schema.go: key_id is Computed only).
  kid: z
    .unknown()
    .refine(() => false, {
      error:
        "Auth0 sets a credential's kid itself: the key's RFC 7638 thumbprint, which `npx auth0-tenant plan` shows (the provider cannot set another one); remove this field",
    })
    .optional(),
});

/**
 * Metadata is the one map whose keys reach the provider as object keys. A key named like a member of Object.prototype
 * that code calls (toString, valueOf…) breaks the Pulumi SDK's serialisation of the client's inputs (seen with
 * toString), so those names are refused; `constructor` works like any other key.
 */
const OBJECT_MEMBERS = Object.getOwnPropertyNames(Object.prototype).filter((k) => k !== "constructor" && k !== "__proto__");

const metadata = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, { error: "invalid metadata key (allowed: letters, digits, _ and -)" })
      .refine((k) => !OBJECT_MEMBERS.includes(k), {
        error: (i) =>
          `metadata key ${excerpt(JSON.stringify(i.input))} is the name of a JavaScript object method that tools call on every object; rename it`,
      }),
    z.string({ error: "metadata values must be strings (Auth0 client metadata is a string map)" }).max(255, {
      error: "a metadata value is at most 255 characters",
    }),
  )
  .refine((m) => Object.keys(m).length <= 10, { error: "at most 10 metadata keys (an Auth0 limit)" })
  .default({})
  .transform(toDict);

const credentials = z
  .array(credentialSchema)
  .min(1, { error: "needs at least one credential (a private_key_jwt application cannot authenticate without a key)" })
  .max(MAX_CREDENTIALS, {
    error: `at most ${MAX_CREDENTIALS} credentials per application (Auth0's limit; rotate by adding one, switching clients, then retiring the old one)`,
  });

const description = z.string().max(140, { error: "at most 140 characters (an Auth0 limit)" }).optional();

export const m2mApplicationSchema = strictObject({
  type: z.literal("m2m"),
  name: displayName.optional(),
  description,
  authenticationMethod: z
    .literal("private_key_jwt", {
      error: (i) =>
        `${excerpt(JSON.stringify(i.input))} is not allowed: machine-to-machine applications authenticate with private_key_jwt, never a client secret (allowed: private_key_jwt)`,
    })
    .default("private_key_jwt"),
  metadata,
  credentials,
  grants: z.record(z.string(), z.array(scopeName)).default({}).transform(toDict),
});

const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/**
 * What Auth0 accepts for a web application's URLs: https, or http for the loopback host only (development). Script,
 * data and file URLs and other schemes are refused; custom schemes belong to native apps, which the spec has none of.
 * A web origin is scheme://host[:port] with nothing after it.
 */
export function webUrlProblem(value: string, kind: "url" | "origin"): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URL (e.g. https://portal.acme.example/callback)";
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname))) {
    return `scheme ${excerpt(url.protocol)} is not allowed (allowed: https:, or http: for localhost and 127.0.0.1 during development)`;
  }
  if (
    kind === "origin" &&
    (url.pathname !== "/" || url.search !== "" || url.hash !== "" || /[?#]|\/\S/.test(value.slice(url.origin.length)))
  ) {
    return "a web origin is scheme://host[:port] only, with no path, query or fragment (e.g. https://portal.acme.example)";
  }
  return undefined;
}

const webUrl = (kind: "url" | "origin") =>
  z.string({ error: "must be a URL string" }).superRefine((value, ctx) => {
    const problem = webUrlProblem(value, kind);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const webApplicationSchema = strictObject({
  type: z.literal("regular_web"),
  name: displayName.optional(),
  description,
  callbacks: z.array(webUrl("url")).min(1, { error: "a web application needs at least one callback URL" }),
  allowedLogoutUrls: z.array(webUrl("url")).default([]),
  webOrigins: z.array(webUrl("origin")).default([]),
  metadata,
  /** Optional: a web app may also authenticate at the token endpoint with private_key_jwt. */
  credentials: credentials.optional(),
});

export const APPLICATION_TYPES = ["m2m", "regular_web"] as const;

export const applicationSchema = z.discriminatedUnion("type", [m2mApplicationSchema, webApplicationSchema], {
  error: (i) => {
    if (i.code !== "invalid_union") return undefined;
    const given = (i.input as { type?: unknown } | undefined)?.type;
    return given === undefined
      ? `is required (allowed: ${APPLICATION_TYPES.join(" | ")})`
      : `unknown application type ${excerpt(JSON.stringify(given))} (allowed: ${APPLICATION_TYPES.join(" | ")})`;
  },
});

/**
 * A role: a named set of API permissions (scopes) that users are given. The provider validates nothing beyond `name`
 * being required (terraform-provider-auth0 v1.53.0 internal/auth0/role/resource.go); the spec holds it to the same
 * name rule as the other display names and checks each permission against the APIs it declares (./load.ts).
 */
export const roleSchema = strictObject({
  name: displayName.optional(),
  description: z.string().max(140, { error: "at most 140 characters" }).optional(),
  permissions: z
    .record(resourceKey, z.array(scopeName).min(1, { error: "list at least one scope (or leave the API out)" }))
    .default({})
    .transform(toDict),
});

export type ParsedApi = z.output<typeof apiSchema>;
export type ParsedRole = z.output<typeof roleSchema>;
export type ParsedCredential = z.output<typeof credentialSchema>;
export type ParsedM2MApplication = z.output<typeof m2mApplicationSchema>;
export type ParsedWebApplication = z.output<typeof webApplicationSchema>;
export type ParsedApplication = z.output<typeof applicationSchema>;
export type { CredentialAlgorithm } from "../algorithms";
