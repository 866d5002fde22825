import { addressOf, RESOURCE_TYPES, type DesiredResource } from "../model";
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
}

export interface PlanSummary {
  project: string;
  stack: string;
  domain: string | null;
  protect: boolean;
  apis: ApiSummary[];
  applications: ApplicationSummary[];
  actions: ActionSummary[];
  triggers: Record<string, string[]>;
  resourceCounts: Record<string, number>;
  resourceTotal: number;
}

const DAY_MS = 86_400_000;

export function daysLeft(expiresAt: string | undefined, now: Date): number | null {
  return expiresAt === undefined ? null : Math.floor((Date.parse(expiresAt) - now.getTime()) / DAY_MS);
}

/** The facts a person wants from a plan; also the stable, comparable form used by review. */
export function summarize(plan: Plan, now: Date): PlanSummary {
  const { spec } = plan;
  const resourceCounts: Record<string, number> = {};
  for (const r of plan.desired.resources) {
    const short = r.type.split(":").pop()!;
    resourceCounts[short] = (resourceCounts[short] ?? 0) + 1;
  }
  return {
    project: plan.project,
    stack: plan.stack,
    domain: plan.domain ?? null,
    protect: spec.protect,
    apis: Object.values(spec.apis).map((a) => ({
      key: a.key,
      identifier: a.identifier,
      name: a.name,
      tokenLifetime: a.tokenLifetime,
      scopes: Object.keys(a.scopes),
    })),
    applications: Object.values(spec.applications).map((a) => ({
      key: a.key,
      name: a.name,
      type: a.type,
      authenticationMethod: a.credentials ? "private_key_jwt" : "client_secret_post (secret generated and kept by Auth0)",
      metadata: a.metadata,
      credentials: (a.credentials ?? []).map((c) => ({
        name: c.name,
        algorithm: c.algorithm,
        bits: c.key.bits,
        format: c.key.format,
        thumbprint: c.key.thumbprint,
        expiresAt: c.effectiveExpiresAt ?? null,
        daysLeft: daysLeft(c.effectiveExpiresAt, now),
      })),
      grants:
        a.type === "m2m" ? Object.entries(a.grants).map(([api, scopes]) => ({ api, audience: spec.apis[api]!.identifier, scopes })) : [],
    })),
    actions: Object.values(spec.actions).map((a) => {
      const position = spec.triggers[a.trigger].indexOf(a.key);
      return {
        key: a.key,
        trigger: a.trigger,
        order: position < 0 ? null : position + 1,
        runtime: a.runtime,
        source: a.source,
        sha256: a.bundle.sha256,
        bytes: a.bundle.bytes,
        claims: a.claims,
        deny: a.deny ?? null,
        secrets: a.secrets.map((x) => x.name),
      };
    }),
    triggers: spec.triggers,
    resourceCounts,
    resourceTotal: plan.desired.resources.length,
  };
}

/** Resource inputs fit for printing: public key bodies shortened to their thumbprint, secrets redacted. */
export function printableResources(plan: Plan) {
  const thumbprintByPem = new Map<string, string>();
  for (const app of Object.values(plan.spec.applications)) {
    for (const c of app.credentials ?? []) thumbprintByPem.set(c.key.pem, c.key.thumbprint);
  }
  return plan.desired.resources.map((r: DesiredResource) => ({
    address: addressOf(r),
    type: r.type,
    name: r.name,
    parent: addressOf(r.parent),
    protect: r.protect,
    dependsOn: r.dependsOn.map(addressOf),
    inputs: shortenCode(
      redact(r.inputs, r.secretInputs ?? [], thumbprintByPem, r.type === RESOURCE_TYPES.ClientCredentials),
      r.type === RESOURCE_TYPES.Action ? plan.spec.actions[r.name] : undefined,
    ),
  }));
}

export const REDACTED = "[secret]";

/** An action's code is its bundle: shown by hash and size (the plan's text output and review show the rest). */
function shortenCode(inputs: unknown, action: { source: string; bundle: { sha256: string; bytes: number } } | undefined): unknown {
  if (!action) return inputs;
  return { ...(inputs as object), code: `<bundle of ${action.source}, sha256 ${action.bundle.sha256}, ${action.bundle.bytes} bytes>` };
}

function redact(inputs: object, secretPaths: string[], thumbprints: Map<string, string>, hasPems: boolean): unknown {
  const walk = (value: unknown, at: string): unknown => {
    if (secretPaths.includes(at)) return REDACTED;
    if (hasPems && typeof value === "string" && thumbprints.has(value)) return `<public key, thumbprint ${thumbprints.get(value)}>`;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, at === "" ? k : `${at}.${k}`)]));
    }
    return value;
  };
  return walk(inputs, "");
}
