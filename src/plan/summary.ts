import { addressOf, RESOURCE_TYPES, type DesiredResource } from "../model";
import { claimsInCode } from "../actions/literal-claims";
import { daysLeft } from "../spec/expiry";
import type { Plan } from "./plan";

export interface CredentialSummary {
  name: string;
  algorithm: string;
  bits: number;
  format: string;
  thumbprint: string;
  expiresAt: string | null;
  daysLeft: number | null;
}

export interface ApplicationSummary {
  key: string;
  name: string;
  type: string;
  authenticationMethod: string;
  metadata: Record<string, string>;
  credentials: CredentialSummary[];
  grants: { api: string; audience: string; scopes: string[] }[];
}

export interface ApiSummary {
  key: string;
  identifier: string;
  name: string;
  tokenLifetime: number;
  tokenLifetimeForWeb: number;
  scopes: string[];
}

export interface ActionSummary {
  key: string;
  trigger: string;
  /** Position in its trigger's binding list (1-based), or null when not bound. */
  order: number | null;
  runtime: string;
  source: string;
  sha256: string;
  bytes: number;
  claims: { name: string; tokens: string[]; from?: string; value?: string | number | boolean }[];
  deny: { when: string; equals: string; code: string; reason: string } | null;
  /** Secret names only; values are never part of a plan. */
  secrets: string[];
  /**
   * Only for an action deployed as written (bundle: false): the claims its code sets by literal name
   * (`setCustomClaim("…")`). They are not declared in the spec, so nothing checks them before deploying.
   */
  undeclaredClaims?: { name: string; token: string }[];
}

export interface RoleSummary {
  key: string;
  name: string;
  description: string | null;
  /** API key → scopes, sorted. */
  permissions: { api: string; scopes: string[] }[];
}

export interface PlanSummary {
  project: string;
  stack: string;
  domain: string | null;
  protect: boolean;
  apis: ApiSummary[];
  applications: ApplicationSummary[];
  actions: ActionSummary[];
  /** Absent when the spec declares no roles. */
  roles?: RoleSummary[];
  triggers: Record<string, string[]>;
  resourceCounts: Record<string, number>;
  resourceTotal: number;
  /** What rotation steps were checked against (the last deployment's outputs, or the credentials read live), if anything. */
  rotationCheckedAgainst?: string;
  /**
   * Resources that adopt an existing Auth0 object on the first `pulumi up` (the spec's adopt:), with the inputs that
   * run leaves as Auth0 has them (applied by the run after adopt: is deleted); absent when none do.
   */
  adopted?: { type: string; name: string; importId: string; deferred: string[] }[];
  /** Creates that may not be plain creates, because they land on objects this stack adopts; absent when none. */
  createNotes?: { type: string; name: string; note: string }[];
}

/** The facts a person wants from a plan; also the stable, comparable form used by review. Read from the model. */
export function summarize(plan: Plan, now: Date): PlanSummary {
  const { spec, model } = plan;
  const resourceCounts: Record<string, number> = {};
  const adopted = plan.desired.resources
    .filter((r) => r.importId !== undefined)
    .map((r) => ({ type: r.type, name: r.name, importId: r.importId!, deferred: r.ignoreChanges ?? [] }));
  // Only a stack that adopts something has creates that may land on existing objects (a tenant has tens of thousands
  // of resources to look through).
  const createNotes = adopted.length > 0 ? adoptionCreateNotes(plan) : [];
  // Counted by type, then named by the type's last part: a tenant has tens of thousands of resources of a few types.
  const byType = new Map<string, number>();
  for (const r of plan.desired.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  for (const [type, count] of byType) {
    const short = type.split(":").pop()!;
    resourceCounts[short] = (resourceCounts[short] ?? 0) + count;
  }
  // Days left per expiry date, counted once per date: a tenant's thousands of credentials share a few.
  const days = new Map<string | null, number | null>();
  const daysLeftOf = (expiresAt: string | null) => {
    let left = days.get(expiresAt);
    if (left === undefined) days.set(expiresAt, (left = daysLeft(expiresAt, now)));
    return left;
  };
  return {
    project: plan.project,
    stack: plan.stack,
    domain: plan.domain ?? null,
    protect: model.protect,
    apis: Object.values(model.apis).map((a) => ({
      key: a.key,
      identifier: a.resourceServer.inputs.identifier,
      name: String(a.resourceServer.inputs.name),
      tokenLifetime: Number(a.resourceServer.inputs.tokenLifetime),
      tokenLifetimeForWeb: Number(a.resourceServer.inputs.tokenLifetimeForWeb),
      scopes: a.scopes?.inputs.scopes.map((s) => s.name) ?? [],
    })),
    applications: Object.values(model.applications).map((a) => {
      const app = spec.applications[a.key]!;
      return {
        key: a.key,
        name: app.name,
        type: a.appType,
        authenticationMethod: a.credentials ? "private_key_jwt" : "client_secret_post (secret generated and kept by Auth0)",
        metadata: app.metadata,
        credentials: (app.credentials ?? []).map((c, i) => {
          const f = a.fingerprints[i]!;
          return {
            name: f.name,
            algorithm: f.algorithm,
            bits: f.bits,
            format: c.key.format,
            thumbprint: f.thumbprint,
            expiresAt: f.expiresAt,
            daysLeft: daysLeftOf(f.expiresAt),
          };
        }),
        grants: a.grants.map((g) => ({
          api: g.apiKey,
          audience: model.apis[g.apiKey]!.resourceServer.inputs.identifier,
          scopes: g.resource.inputs.scopes,
        })),
      };
    }),
    actions: Object.values(model.actions).map((a) => {
      const action = spec.actions[a.key]!;
      const position = model.bindings[a.trigger].indexOf(a.key);
      return {
        key: a.key,
        trigger: a.trigger,
        order: position < 0 ? null : position + 1,
        runtime: action.runtime,
        source: action.source,
        sha256: a.bundle.sha256,
        bytes: a.bundle.bytes,
        claims: action.claims,
        deny: action.deny ?? null,
        secrets: action.secrets.map((x) => x.name),
        ...(action.bundle ? {} : { undeclaredClaims: claimsInCode(a.bundle.code) }),
      };
    }),
    ...(spec.roles
      ? {
          roles: Object.values(spec.roles).map((r) => ({
            key: r.key,
            name: r.name,
            description: r.description ?? null,
            permissions: Object.entries(r.permissions).map(([api, scopes]) => ({ api, scopes: [...scopes].sort() })),
          })),
        }
      : {}),
    triggers: model.bindings,
    resourceCounts,
    resourceTotal: plan.desired.resources.length,
    ...(adopted.length > 0 ? { adopted } : {}),
    ...(createNotes.length > 0 ? { createNotes } : {}),
    ...(plan.rotationCheckedAgainst ? { rotationCheckedAgainst: plan.rotationCheckedAgainst } : {}),
  };
}

/**
 * What the provider does when the first `pulumi up` creates a resource next to an object this stack adopts: the
 * object may already have what the create makes. terraform-provider-auth0 v1.53.0:
 * - client/resource_grant.go#L116-143: a ClientGrant create first looks for the client's grant on the audience and
 *   takes it over (no new grant; its live scopes stay until the next update);
 * - resourceserver/resource_scopes.go#L60-88, L131-154: a ResourceServerScopes create fails when the API already has
 *   scopes that are not exactly the declared ones.
 * (A new client has no grants and a new API no scopes, so only creates under an adopted parent are named.)
 */
function adoptionCreateNotes(plan: Plan): { type: string; name: string; note: string }[] {
  const adoptedKeys = new Set(plan.desired.resources.filter((r) => r.importId !== undefined).map((r) => `${r.type}::${r.name}`));
  if (adoptedKeys.size === 0) return [];
  const notes: { type: string; name: string; note: string }[] = [];
  for (const r of plan.desired.resources) {
    if (r.importId !== undefined) continue;
    if (r.type === RESOURCE_TYPES.ClientGrant) {
      const [app, api] = r.name.split("/") as [string, string];
      if (adoptedKeys.has(`${RESOURCE_TYPES.Client}::${app}`))
        notes.push({
          type: r.type,
          name: r.name,
          note: `if ${app} already holds a grant on ${api}, the provider takes it over instead of creating one, and its live scopes stay until the next pulumi up (adopt it to review them now: clientGrant/${r.name}: <its cgr_ id>)`,
        });
    }
    if (r.type === RESOURCE_TYPES.ResourceServerScopes && adoptedKeys.has(`${RESOURCE_TYPES.ResourceServer}::${r.name}`))
      notes.push({
        type: r.type,
        name: r.name,
        note: `if API ${r.name} already has scopes, the provider refuses to create this unless they are exactly the declared ones, in order (adopt them: resourceServerScopes/${r.name}: <its identifier>)`,
      });
  }
  return notes;
}

/** Resource inputs fit for printing: public key bodies shortened to their thumbprint, secrets redacted. */
export function printableResources(plan: Plan) {
  return plan.desired.resources.map(resourcePrinter(plan));
}

/** One resource as the JSON plan shows it: references by address, public keys by thumbprint, secrets redacted. */
function resourcePrinter(plan: Plan) {
  // A credentials resource lists its application's keys in order, so a key's thumbprint is found by its position;
  // a map of every key by its PEM (10,000 long strings to hash in a big tenant) is built only if that misses.
  let byPem: Map<string, string> | undefined;
  const thumbprintOf = (appKey: string) => (pem: string, i: number) => {
    const key = plan.spec.applications[appKey]?.credentials?.[i]?.key;
    if (key?.pem === pem) return key.thumbprint;
    byPem ??= new Map(
      Object.values(plan.spec.applications).flatMap((a) => (a.credentials ?? []).map((c) => [c.key.pem, c.key.thumbprint])),
    );
    return byPem.get(pem);
  };
  return (r: DesiredResource) => ({
    address: addressOf(r),
    type: r.type,
    name: r.name,
    parent: addressOf(r.parent),
    protect: r.protect,
    ...(r.importId !== undefined ? { importId: r.importId } : {}),
    dependsOn: r.dependsOn.map(addressOf),
    inputs: shortenCode(
      r.type === RESOURCE_TYPES.ClientCredentials ? shortenKeys(r.inputs, thumbprintOf(r.name)) : redact(r.inputs, r.secretInputs ?? []),
      r.type === RESOURCE_TYPES.Action
        ? { source: plan.spec.actions[r.name]!.source, bundle: plan.model.actions[r.name]!.bundle }
        : undefined,
    ),
  });
}

export const REDACTED = "[secret]";

/** An action's code is its bundle: shown by hash and size (the plan's text output and review show the rest). */
function shortenCode(inputs: unknown, action: { source: string; bundle: { sha256: string; bytes: number } } | undefined): unknown {
  if (!action) return inputs;
  return { ...(inputs as object), code: `<bundle of ${action.source}, sha256 ${action.bundle.sha256}, ${action.bundle.bytes} bytes>` };
}

/** A credentials resource's key bodies, each as its thumbprint (the key files hold the rest). */
function shortenKeys(inputs: object, thumbprintOf: (pem: string, position: number) => string | undefined): unknown {
  const { privateKeyJwt } = inputs as { privateKeyJwt?: { credentials: { pem: string }[] } };
  if (!privateKeyJwt) return inputs;
  const credentials = privateKeyJwt.credentials.map((c, i) =>
    Object.assign({}, c, { pem: `<public key, thumbprint ${thumbprintOf(c.pem, i) ?? "unknown"}>` }),
  );
  return Object.assign({}, inputs, { privateKeyJwt: Object.assign({}, privateKeyJwt, { credentials }) });
}

/** Inputs with the values at the secret paths (e.g. an action's secrets[0].value) replaced by REDACTED. */
function redact(inputs: object, secretPaths: string[]): unknown {
  if (secretPaths.length === 0) return inputs;
  const secrets = new Set(secretPaths);
  const walk = (value: unknown, at: string): unknown => {
    if (secrets.has(at)) return REDACTED;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, at === "" ? k : `${at}.${k}`)]));
    }
    return value;
  };
  return walk(inputs, "");
}

/** The `plan --json` document: the summary, warnings and every resource's printable inputs. */
export function planJson(plan: Plan, now: Date) {
  return { ok: true, ...summarize(plan, now), warnings: plan.warnings, resources: printableResources(plan) };
}

/**
 * planJson's compact JSON text in pieces that join to exactly JSON.stringify(planJson(plan, now)). A big tenant's plan is
 * tens of megabytes of JSON: printed a thousand resources at a time, each piece's objects die young instead of all of
 * them, and one whole string, living until the end.
 */
export function* planJsonPieces(plan: Plan, now: Date, resourcesPerPiece = 1000): Generator<string> {
  const head = JSON.stringify({ ok: true, ...summarize(plan, now), warnings: plan.warnings });
  yield `${head.slice(0, -1)},"resources":[`;
  const print = resourcePrinter(plan);
  const resources = plan.desired.resources;
  for (let i = 0; i < resources.length; i += resourcesPerPiece) {
    const piece = JSON.stringify(resources.slice(i, i + resourcesPerPiece).map(print));
    yield (i > 0 ? "," : "") + piece.slice(1, -1);
  }
  yield "]}";
}
