import { z } from "zod";
import { dict, isMapping, toDict } from "../../dict";
import { excerpt } from "../../excerpt";
import { claimNameProblem, isNamespaced } from "../../spec/claim-rules";
import { checkUnique } from "../../spec/cross-checks";
import {
  ACTION_LIMITS,
  ACTION_RUNTIMES,
  TRIGGER_IDS,
  TRIGGERS,
  type ActionRuntime,
  type TokenKind,
  type Trigger,
} from "../../spec/triggers";
import { didYouMean, formatPath, type PathSegment, type SpecIssue } from "../../spec/issues";
import { parseAt } from "../../spec/parse";
import { KEY_PATTERN } from "../../spec/schema";
import { strictObject } from "../../spec/strict";
import type { SpecContext } from "../../spec/types";
import type { KindSpec } from "../kind-spec";

/** Which parts of the event each trigger carries: a mapping may only read from these. */
export const EVENT_ROOTS: Record<Trigger, string[]> = {
  "post-login": [
    "user",
    "connection",
    "client",
    "organization",
    "request",
    "transaction",
    "authentication",
    "authorization",
    "session",
    "resource_server",
    "stats",
    "tenant",
  ],
  "credentials-exchange": ["client", "resource_server", "request", "transaction", "tenant"],
};

const eventPath = z.string().regex(/^[a-z_]+(\.[A-Za-z0-9_-]+)+$/, {
  error: "must be a dotted path into the event, e.g. connection.name or user.app_metadata.plan",
});

const claimSchema = strictObject({
  name: z.string().min(1, { error: "must not be empty" }).max(256, { error: "at most 256 characters" }),
  from: eventPath.optional(),
  value: z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, number or boolean" }).optional(),
  tokens: z
    .array(z.enum(["id", "access"], { error: "allowed: id, access" }))
    .min(1, { error: "name at least one token (id, access)" })
    .optional(),
});

const secretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, {
  error: "invalid secret name (allowed: letters, digits and _, not starting with a digit, at most 128 characters)",
});

export const actionSchema = strictObject({
  /** The action's name in Auth0 (unique per tenant); default: the key. Imported actions keep their dashboard name. */
  name: z.string().trim().min(1, { error: "must not be empty" }).max(128, { error: "at most 128 characters" }).optional(),
  trigger: z.enum(TRIGGER_IDS as [Trigger, ...Trigger[]], {
    error: (i) => `${excerpt(JSON.stringify(i.input))} is not allowed (allowed: ${TRIGGER_IDS.join(", ")})`,
  }),
  source: z
    .string()
    .regex(/^actions\/[A-Za-z0-9._/-]+\.(ts|js)$/, { error: "must be a .ts or .js file under actions/ (e.g. actions/login-claims.ts)" }),
  /**
   * false: the source (a CommonJS .js file) is deployed byte for byte, not bundled: no esbuild, no banner, no claim
   * mapping (an imported action keeps the code Auth0 runs). Its handler export and size are still checked.
   */
  bundle: z.boolean({ error: "must be true or false" }).default(true),
  runtime: z
    .enum(ACTION_RUNTIMES, { error: (i) => `${excerpt(JSON.stringify(i.input))} is not allowed (allowed: ${ACTION_RUNTIMES.join(", ")})` })
    .default("node22"),
  claims: z.array(claimSchema).default([]),
  deny: strictObject({
    when: eventPath,
    equals: z.union([z.string(), z.boolean(), z.number()]).default(true).transform(String),
    code: z
      .string()
      .regex(/^[a-z_]{1,64}$/, { error: "must be an OAuth error code such as access_denied" })
      .default("access_denied"),
    reason: z.string().min(1, { error: "must not be empty" }).max(500, { error: "at most 500 characters" }),
  }).optional(),
  secrets: z
    .record(secretName, strictObject({ config: z.string().min(1, { error: "name the Pulumi secret config key" }) }))
    .default({})
    .transform(toDict),
});

type ParsedAction = z.output<typeof actionSchema>;

export interface ClaimSpec {
  name: string;
  tokens: TokenKind[];
  from?: string;
  value?: string | number | boolean;
}

export interface ActionSpec {
  key: string;
  /** The action's name in Auth0 (default: the key). */
  name: string;
  trigger: Trigger;
  runtime: ActionRuntime;
  source: string;
  /** false: the source is deployed byte for byte (no bundling, no claim mapping). */
  bundle: boolean;
  claims: ClaimSpec[];
  deny?: { when: string; equals: string; code: string; reason: string };
  /** Action secret name → the Pulumi secret config key holding its value. */
  secrets: { name: string; config: string }[];
}

/** A custom-claims Action: its code (bundled, or as written), runtime, secrets, claims and deny rule. */
export const actionSpec = {
  at: "actions.<key>",
  schema: actionSchema,
  envelope: { actions: z.unknown().optional() },
  section: "actions" as const,
  /** Resolved ActionSpecs, not bundled yet (src/actions/build.ts bundles them). */
  parse: ({ given, ctx, errors }) => {
    const rawActions = given.actions;
    const entries = isMapping(rawActions) ? Object.entries(rawActions) : [];
    if (rawActions !== undefined && !isMapping(rawActions))
      errors.push({ path: "actions", code: "invalid_type", message: "must be a mapping of action key to action" });
    if (entries.length > ACTION_LIMITS.actionsPerTenant) {
      errors.push({
        path: "actions",
        code: "limit_exceeded",
        message: `${entries.length} actions declared (at most ${ACTION_LIMITS.actionsPerTenant} per tenant, an Auth0 limit)`,
      });
    }
    const parsed: [string, ParsedAction][] = [];
    for (const [key, value] of entries) {
      if (!KEY_PATTERN.test(key)) {
        errors.push({
          path: formatPath(["actions", key]),
          code: "invalid_key",
          message: "invalid key (allowed: lower-case letters, digits and dashes, starting with a letter, at most 63 characters)",
        });
        continue;
      }
      const action = parseAt(actionSchema, value, ["actions", key], errors);
      if (action) parsed.push([key, action]);
    }
    const resolved = parsed.map(([key, action]) => resolveAction(key, action, ctx, errors));
    const actions = dict<ActionSpec>();
    for (const a of resolved) if (a) actions[a.key] = a;
    return actions;
  },
  check: (tenant: { actions: Record<string, ActionSpec> }, { errors, warnings }) => {
    warnings.push(...nonNamespacedAccessClaimWarnings(tenant.actions));
    checkUnique(
      Object.values(tenant.actions),
      (a) => a.name,
      (a) => ["actions", a.key, "name"],
      "action name",
      errors,
    );
  },
  declared: (given) => (isMapping(given.actions) ? Object.keys(given.actions) : []),
} satisfies KindSpec<Record<string, ActionSpec>>;

function resolveAction(key: string, action: ParsedAction, ctx: SpecContext, errors: SpecIssue[]): ActionSpec | undefined {
  const at = (...rest: PathSegment[]) => formatPath(["actions", key, ...rest]);
  const before = errors.length;
  const trigger = action.trigger;
  const allowedTokens = TRIGGERS[trigger].tokens as readonly TokenKind[];
  const claims = action.claims.map((c, i) => {
    if ((c.from === undefined) === (c.value === undefined)) {
      errors.push({
        path: at("claims", i),
        code: "invalid_value",
        message: "give exactly one of from (a path into the event) or value (a constant)",
      });
    }
    if (c.from !== undefined) checkEventPath(c.from, trigger, at("claims", i, "from"), errors);
    const tokens = c.tokens ?? [...allowedTokens];
    for (const token of tokens) {
      if (!allowedTokens.includes(token)) {
        errors.push({
          path: at("claims", i, "tokens"),
          code: "invalid_value",
          message: `${trigger} can only set ${allowedTokens.join(" and ")} token claims (an M2M token exchange has no ID token)`,
        });
        continue;
      }
      const problem = claimNameProblem(c.name, token);
      if (problem) errors.push({ path: at("claims", i, "name"), code: "claim_dropped", message: problem });
    }
    return {
      name: c.name,
      tokens,
      ...(c.from !== undefined ? { from: c.from } : {}),
      ...(c.value !== undefined ? { value: c.value } : {}),
    };
  });
  checkClaimsUniqueWithin(key, claims, errors);
  if (action.deny) checkEventPath(action.deny.when, trigger, at("deny", "when"), errors);
  if (!action.bundle) checkUnbundled(action, at, errors);

  const secretNames = Object.keys(action.secrets);
  if (secretNames.length > ACTION_LIMITS.secretsPerAction) {
    errors.push({
      path: at("secrets"),
      code: "limit_exceeded",
      message: `${secretNames.length} secrets (at most ${ACTION_LIMITS.secretsPerAction} per action, an Auth0 limit)`,
    });
  }
  for (const [name, { config }] of Object.entries(action.secrets)) {
    const forbidden = forbiddenSecretSource(config, ctx.project);
    if (forbidden) {
      errors.push({ path: at("secrets", name, "config"), code: "secret_source_forbidden", message: forbidden });
      continue;
    }
    const found = ctx.config?.(config);
    if (!ctx.config) continue;
    if (!found)
      errors.push({
        path: at("secrets", name, "config"),
        code: "secret_not_set",
        message: `config key "${config}" is not set (set it with \`pulumi config set --secret ${config} <value>\`)`,
      });
    else if (!found.secret)
      errors.push({
        path: at("secrets", name, "config"),
        code: "secret_not_encrypted",
        message: `config key "${config}" is stored in plain text (secrets must be set with \`pulumi config set --secret ${config} <value>\`)`,
      });
    else if (found.length !== undefined && found.length > ACTION_LIMITS.secretValueChars) {
      errors.push({
        path: at("secrets", name, "config"),
        code: "secret_too_long",
        message: `the secret's value has ${found.length} characters (at most ${ACTION_LIMITS.secretValueChars})`,
      });
    }
  }

  if (errors.length > before) return undefined;
  return {
    key,
    name: action.name ?? key,
    trigger,
    runtime: action.runtime,
    source: action.source,
    bundle: action.bundle,
    claims,
    ...(action.deny ? { deny: action.deny } : {}),
    secrets: Object.entries(action.secrets).map(([name, s]) => ({ name, config: s.config })),
  };
}

/**
 * An unbundled action is deployed as written: nothing compiles a claim mapping or a deny rule into it, so declaring
 * them would be a promise the code does not keep; and Auth0 runs CommonJS, so the file must be one.
 */
function checkUnbundled(action: ParsedAction, at: (...rest: PathSegment[]) => string, errors: SpecIssue[]) {
  if (!action.source.endsWith(".js")) {
    errors.push({
      path: at("source"),
      code: "invalid_value",
      message: `${excerpt(action.source)}: an action with bundle: false is deployed as written, so its source must be a CommonJS .js file (allowed: actions/….js)`,
    });
  }
  if (action.claims.length > 0) {
    errors.push({
      path: at("claims"),
      code: "invalid_value",
      message:
        "claims are compiled into the bundle, and an action with bundle: false is not bundled: its code sets its own claims (the plan lists its literal setCustomClaim calls); remove claims, or bundle it",
    });
  }
  if (action.deny) {
    errors.push({
      path: at("deny"),
      code: "invalid_value",
      message: "a deny rule is compiled into the bundle, and an action with bundle: false is not bundled: remove deny, or bundle it",
    });
  }
}

function checkEventPath(path: string, trigger: Trigger, at: string, errors: SpecIssue[]) {
  const root = path.split(".")[0]!;
  if (!EVENT_ROOTS[trigger].includes(root)) {
    errors.push({
      path: at,
      code: "event_path_unknown",
      message: `event.${root} does not exist on ${trigger} (${didYouMean(root, EVENT_ROOTS[trigger])}available: ${EVENT_ROOTS[trigger].join(", ")})`,
    });
  }
}

/** The same claim twice on one token within an action: the later mapping silently wins. */
function checkClaimsUniqueWithin(key: string, claims: { name: string; tokens: TokenKind[] }[], errors: SpecIssue[]) {
  const seen = new Map<string, number>();
  claims.forEach((c, i) => {
    for (const token of c.tokens) {
      const first = seen.get(`${token}\u0000${c.name}`);
      if (first !== undefined) {
        errors.push({
          path: formatPath(["actions", key, "claims", i, "name"]),
          code: "claim_conflict",
          message: `claim "${c.name}" is already mapped for the ${token} token at claims[${first}] (one mapping per claim and token)`,
        });
      } else seen.set(`${token}\u0000${c.name}`, i);
    }
  });
}

/** Post-login access tokens may be for Auth0's own APIs, where non-namespaced claims are dropped. */
export function nonNamespacedAccessClaimWarnings(actions: Record<string, ActionSpec>): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const a of Object.values(actions)) {
    if (a.trigger !== "post-login") continue;
    a.claims.forEach((c, i) => {
      if (c.tokens.includes("access") && !isNamespaced(c.name)) {
        out.push({
          path: formatPath(["actions", a.key, "claims", i, "name"]),
          code: "claim_not_namespaced",
          message: `"${c.name}" is not namespaced: Auth0 drops it from access tokens whose audience is an Auth0 API (e.g. the Management API)`,
        });
      }
    });
  }
  return out;
}

/**
 * An action secret is shipped to Auth0 and readable by the action's code, so it may come only from this project's own
 * config keys: never from a provider's (`auth0:clientAssertionPrivateKey` is the deployer's Management API key) or
 * Pulumi's, and never from another namespace.
 */
function forbiddenSecretSource(key: string, project: string | undefined): string | undefined {
  const at = key.indexOf(":");
  if (at < 0) return undefined;
  const namespace = key.slice(0, at);
  if (namespace === project) return undefined;
  const owner =
    namespace === "auth0"
      ? "the Auth0 provider's own settings (its credentials would be shipped into the action)"
      : namespace === "pulumi"
        ? "Pulumi's own settings"
        : `another namespace (${excerpt(namespace)})`;
  return `config key ${excerpt(JSON.stringify(key))} belongs to ${owner}; action secrets come only from this project's own keys (allowed: a bare key such as billingApiKey${project ? `, or ${project}:billingApiKey` : ""})`;
}
