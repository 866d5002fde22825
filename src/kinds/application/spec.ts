import { z } from "zod";
import { assertNever } from "../../errors";
import { dict, toDict } from "../../dict";
import { excerpt } from "../../excerpt";
import { checkUnique } from "../../spec/cross-checks";
import { readAhead, type ReadAnswer } from "../../config/read-ahead";
import { credentialsSchema, keyRead, resolveCredentials, type CredentialSpec, type KeyRead } from "../../spec/credentials";
import { expiryWarnings } from "../../spec/expiry";
import { flushKeyFacts, keyFactsKnown } from "../../spec/key-facts-cache";
import { formatPath, type SpecIssue } from "../../spec/issues";
import { keyedEntries, parseAt } from "../../spec/parse";
import { publicKeyInspection } from "../../spec/public-key";
import { displayName, resourceKey, scopeName } from "../../spec/schema";
import { strictObject } from "../../spec/strict";
import type { KindSpec } from "../kind-spec";

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
  credentials: credentialsSchema,
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
  credentials: credentialsSchema.optional(),
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

export type ParsedM2MApplication = z.output<typeof m2mApplicationSchema>;
export type ParsedWebApplication = z.output<typeof webApplicationSchema>;
export type ParsedApplication = z.output<typeof applicationSchema>;

export interface M2MApplicationSpec extends Omit<ParsedM2MApplication, "credentials"> {
  key: string;
  name: string;
  credentials: CredentialSpec[];
}

export interface WebApplicationSpec extends Omit<ParsedWebApplication, "credentials"> {
  key: string;
  name: string;
  credentials?: CredentialSpec[];
}

export type ApplicationSpec = M2MApplicationSpec | WebApplicationSpec;

const NONE: Readonly<Record<string, string[]>> = Object.freeze(Object.create(null));

/**
 * API key → the scopes an application is granted. Only machine-to-machine applications hold client grants (a regular
 * web application signs users in); a new application type does not compile until it says which it is.
 */
export function grantsOf(app: ApplicationSpec): Readonly<Record<string, string[]>> {
  switch (app.type) {
    case "m2m":
      return app.grants;
    case "regular_web":
      return NONE;
    default:
      return assertNever(app, "application type");
  }
}

const KEY_BATCH = 256;

/** An application (machine-to-machine or regular web) and its private_key_jwt credentials. */
export const applicationSpec = {
  at: "applications.<key>",
  schema: applicationSchema,
  envelope: { applications: z.record(resourceKey, z.unknown()).default({}) },
  section: "applications" as const,
  parse: async ({ given, ctx, errors }) => {
    const applications = dict<ApplicationSpec>();
    const entries = keyedEntries(given, "applications");
    const parsedApps: (readonly [string, ParsedApplication | undefined])[] = [];
    // Applications are parsed a batch at a time, and each batch's key files are asked for as soon as it is parsed: a big
    // tenant's are read on a worker thread while this one parses the next batches (src/config/read-ahead.ts), a git
    // revision's in one round trip per batch. Batches are taken in order as their files arrive, so their objects are
    // short-lived and the first failure is the first file's; each is handed to the key inspection as it is taken, so
    // keys not in the facts cache are parsed on the other cores meanwhile. Results keep their order.
    const reads: KeyRead[][] = [];
    const inspection = publicKeyInspection();
    /** Batches whose files were asked for and not yet taken, in order. */
    const waiting: { apps: typeof parsedApps; answers: Promise<ReadAnswer[]>; answered?: ReadAnswer[] }[] = [];
    const take = (batch: (typeof waiting)[number], answered: ReadAnswer[]) => {
      let next = 0;
      const read = batch.apps.map(([key, app]) =>
        (app?.credentials ?? []).map((cred, c) => keyRead(cred, ["applications", key, "credentials", c], answered[next++]!)),
      );
      reads.push(...read);
      inspection.add(read.flat().flatMap((r) => (typeof r === "string" ? [r] : [])));
    };
    // Without known key facts (a first plan, a CI runner without the cache) every key is parsed on the other cores
    // (src/spec/key-inspector-pool.ts): a thread reading files there would only take a core from that inspection.
    const ahead = readAhead(ctx.readFile, keyFactsKnown() ? entries.length : 0);
    try {
      for (let i = 0; i < entries.length; i += KEY_BATCH) {
        const apps = entries
          .slice(i, i + KEY_BATCH)
          .map(([key, value]) => [key, parseAt(applicationSchema, value, ["applications", key], errors)] as const);
        parsedApps.push(...apps);
        const batch: (typeof waiting)[number] = {
          apps,
          answers: ahead.read(apps.flatMap(([, app]) => (app?.credentials ?? []).map((c) => c.publicKey))),
        };
        void batch.answers.then((answered) => (batch.answered = answered));
        waiting.push(batch);
        await new Promise(setImmediate); // lets the answers that have arrived in
        while (waiting[0]?.answered) {
          const arrived = waiting.shift()!;
          take(arrived, arrived.answered!);
        }
      }
      for (let batch = waiting.shift(); batch; batch = waiting.shift()) take(batch, await batch.answers);
    } finally {
      ahead.close();
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
    return applications;
  },
  check: (tenant: { applications: Record<string, ApplicationSpec> }, { ctx, errors, warnings, options }) => {
    checkUnique(
      Object.values(tenant.applications),
      (a) => a.name,
      (a) => ["applications", a.key, "name"],
      "application name",
      errors,
    );
    checkKeysNotShared(tenant.applications, errors);
    flushKeyFacts();
    if (options) warnings.push(...expiryWarnings(tenant.applications, ctx.now, options.credentialExpiryWarningDays));
  },
  declared: (given) => keyedEntries(given, "applications").map(([k]) => k),
} satisfies KindSpec<Record<string, ApplicationSpec>>;

/** One key pair per client: a key shared between applications lets one service impersonate the other. */
function checkKeysNotShared(applications: Record<string, ApplicationSpec>, errors: SpecIssue[]) {
  // The first user of each key, as its path's segments: formatted only for an issue (a tenant has thousands of keys).
  const owners = new Map<string, (string | number)[]>();
  for (const app of Object.values(applications)) {
    for (const [i, cred] of (app.credentials ?? []).entries()) {
      const where = ["applications", app.key, "credentials", i];
      const first = owners.get(cred.key.thumbprint);
      if (first !== undefined) {
        errors.push({
          path: `${formatPath(where)}.publicKey`,
          code: "key_shared",
          message: `the same public key (thumbprint ${cred.key.thumbprint}) is already used by ${formatPath(first)} (each credential needs its own key pair)`,
        });
      } else owners.set(cred.key.thumbprint, where);
    }
  }
}
