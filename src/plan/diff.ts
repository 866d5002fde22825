import { addressOf, resolveRefs, type DesiredResource, type Ref } from "../model/desired";
import { forceNewPaths, KEPT_WHEN_LEFT_OUT, listedPath, NOT_IN_TENANT, SET_INPUTS } from "./diff-force-new";

/**
 * The resource-level diff of `plan --diff`: the plan's desired resources against a baseline (the last deployment's
 * checkpoint, or the live tenant mapped to resources), in the shape of `pulumi preview --diff`: one operation per
 * resource, the changed input paths under each. Generic over resource types: what forces a replacement comes from
 * the provider's ForceNew table (diff-force-new.ts), nothing else here knows a type.
 */

/** A value the diff cannot see: a secret (never decrypted, never printed) or one known only after deployment. */
export class Opaque {
  constructor(readonly kind: "secret" | "unknown") {}
  toJSON(): string {
    return this.kind === "secret" ? "[secret]" : "[known after deploy]";
  }
}
export const SECRET = new Opaque("secret");
export const UNKNOWN = new Opaque("unknown");

/**
 * On a baseline object: the keys whose values the provider filled in from its schema's defaults (the program did not
 * set them); a desired value that leaves one out is no change.
 */
export const DEFAULTED = Symbol("defaulted");

/** One resource of the baseline, its values plain (secrets as SECRET). */
export interface BaselineResource {
  type: string;
  name: string;
  /** The provider's id of the object (a client_id, an API's id…), when known. */
  id?: string;
  inputs: Record<string, unknown>;
  /** What references to it resolve to (an output of the same name, else the input). */
  outputs: Record<string, unknown>;
  /** Addresses of the baseline resources its inputs referred to (the live tenant's mapping keeps them). */
  dependsOn?: string[];
}

export interface Baseline {
  /** For people: "the checkpoint state.json (stack dev, 31 resources)". */
  source: string;
  resources: BaselineResource[];
  /**
   * How desired resources find theirs: "address" (a checkpoint: the same type and name, as Pulumi matches URNs), or
   * "identity" (the live tenant: the same id, else the same ForceNew inputs, else the same `name` input).
   */
  match: "address" | "identity";
  /**
   * For "identity": ids of objects this stack is known to own (its `adopt:` ids, its last deployment's). A baseline
   * resource no desired resource matches is a delete only when its id is one of these (or it depends on a deleted
   * one); the others are objects the stack does not manage, which `pulumi up` leaves alone.
   */
  owned?: ReadonlySet<string>;
  /** What the baseline could not show, said once each (e.g. a key Auth0 never returns). */
  notes?: string[];
}

export type ResourceOp = "create" | "import" | "update" | "replace" | "delete";

export interface PropertyChange {
  /** `tokenLifetime`, `callbacks[2]`, `jwtConfiguration.alg`. */
  path: string;
  kind: "add" | "update" | "delete";
  before?: unknown;
  after?: unknown;
  /** A ForceNew path: this change is why the resource is replaced. */
  replaces?: true;
}

export interface ResourceChange {
  op: ResourceOp;
  type: string;
  name: string;
  /** The baseline's name for it, when it differs (the live tenant's objects are named by the import mapping). */
  baselineName?: string;
  id?: string;
  /** The ForceNew paths whose change replaces it. */
  replacedBy?: string[];
  /** Protected resources cannot be replaced or deleted by `pulumi up` (it stops with an error). */
  protect?: true;
  changes: PropertyChange[];
}

export interface ResourceDiff {
  baseline: string;
  resources: ResourceChange[];
  counts: Record<ResourceOp | "same", number>;
  /** Objects in the baseline that the stack does not manage (identity matching only): never deleted. */
  unmanaged: { type: string; name: string; id?: string }[];
  notes: string[];
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Opaque);
/** The SDK treats an absent value, null and an empty list or map alike (terraform-plugin-sdk v2 schema diff). */
const isEmpty = (v: unknown) =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isPlain(v) && Object.keys(v).length === 0);

const childPath = (at: string, key: string | number) =>
  typeof key === "number"
    ? `${at}[${key}]`
    : at === ""
      ? key
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${at}.${key}`
        : `${at}[${JSON.stringify(key)}]`;

/** Every difference between two values, at the deepest path where it shows; arrays by index, as pulumi shows them. */
export function diffValues(before: unknown, after: unknown, at = "", out: PropertyChange[] = []): PropertyChange[] {
  if (isEmpty(before) && isEmpty(after)) return out;
  if (isEmpty(before)) {
    out.push({ path: at, kind: "add", after });
    return out;
  }
  if (isEmpty(after)) {
    out.push({ path: at, kind: "delete", before });
    return out;
  }
  if (before instanceof Opaque || after instanceof Opaque) {
    // Two secrets are never compared (neither side can be read offline); an unknown is a change.
    if (before === SECRET && after === SECRET) return out;
    if (before !== after || after === UNKNOWN) out.push({ path: at, kind: "update", before, after });
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) diffValues(before[i], after[i], childPath(at, i), out);
    return out;
  }
  if (isPlain(before) && isPlain(after)) {
    const defaulted = (before as { [DEFAULTED]?: Set<string> })[DEFAULTED];
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !Object.hasOwn(after, k))];
    for (const k of keys) if (!(defaulted?.has(k) && isEmpty(after[k]))) diffValues(before[k], after[k], childPath(at, k), out);
    return out;
  }
  if (!Object.is(before, after)) out.push({ path: at, kind: "update", before, after });
  return out;
}

/** The inputs with each set-typed one (SET_INPUTS) in one canonical order, so that only its elements are compared. */
function inSetOrder(type: string, inputs: Plain): Plain {
  const sets = Object.hasOwn(SET_INPUTS, type) ? SET_INPUTS[type as keyof typeof SET_INPUTS]! : [];
  if (sets.length === 0) return inputs;
  const out = { ...inputs };
  const defaulted = (inputs as { [DEFAULTED]?: Set<string> })[DEFAULTED];
  if (defaulted) Object.defineProperty(out, DEFAULTED, { value: defaulted, enumerable: false });
  for (const key of sets) {
    const v = out[key];
    if (Array.isArray(v))
      out[key] = v
        .map((x) => [JSON.stringify(x), x] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, x]) => x);
  }
  return out;
}

/** A change at `path` forces replacement when it is a ForceNew path, inside one, or holds one. */
const forcing = (path: string, forceNew: readonly string[]) =>
  forceNew.filter((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`) || f.startsWith(`${path}.`));

/** Values at the given paths (`secrets[0].value`) replaced by SECRET. */
function markSecrets(value: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0) return value;
  const secret = new Set(paths);
  const walk = (v: unknown, at: string): unknown => {
    if (secret.has(at) && v !== undefined) return SECRET;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, childPath(at, i)));
    if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, childPath(at, k))]));
    return v;
  };
  return walk(value, "");
}

const get = (value: unknown, path: string): unknown => path.split(".").reduce<unknown>((v, k) => (isPlain(v) ? v[k] : undefined), value);

/** The plan's resources against the baseline. */
export function diffResources(desired: readonly DesiredResource[], baseline: Baseline): ResourceDiff {
  const byAddress = new Map(desired.map((r) => [addressOf(r), r]));
  const base = new Map(baseline.resources.map((b) => [addressOf(b), b]));
  const claimed = new Set<string>();
  const matched = new Map<string, BaselineResource | undefined>();
  const results = new Map<string, { change: ResourceChange; inputs: Plain }>();
  const visiting = new Set<string>();
  const notes = [...(baseline.notes ?? [])];

  // Identity matching looks objects up by id, or by the values at some paths, each index built once per type.
  const byId = new Map(baseline.resources.flatMap((b) => (b.id !== undefined ? [[`${b.type}\u0000${b.id}`, b] as const] : [])));
  const indexes = new Map<string, Map<string, BaselineResource[]>>();
  const signature = (value: unknown, paths: readonly string[]) => JSON.stringify(paths.map((p) => get(value, p) ?? null));
  const byValues = (type: string, paths: readonly string[], value: unknown): BaselineResource[] => {
    const key = `${type}\u0000${paths.join("\u0000")}`;
    let index = indexes.get(key);
    if (!index) {
      index = new Map();
      for (const b of baseline.resources) {
        if (b.type !== type) continue;
        const sig = signature(b.inputs, paths);
        index.set(sig, [...(index.get(sig) ?? []), b]);
      }
      indexes.set(key, index);
    }
    return index.get(signature(value, paths)) ?? [];
  };

  const candidates = (r: DesiredResource, inputs: Plain): BaselineResource | undefined => {
    const free = (b: BaselineResource | undefined) => (b && b.type === r.type && !claimed.has(addressOf(b)) ? b : undefined);
    if (baseline.match === "address") return free(base.get(addressOf(r)));
    if (r.importId !== undefined) return free(byId.get(`${r.type}\u0000${r.importId}`));
    // Without an id: the object whose ForceNew inputs (what makes it another object) are the same; for types
    // without one that the program sets, the one object of that type with the same name.
    const set = (p: string) => get(inputs, p) !== undefined && !(get(inputs, p) instanceof Opaque);
    const keys = forceNewPaths(r.type).filter(set);
    const paths = keys.length > 0 ? keys : set("name") ? ["name"] : [];
    if (paths.length === 0) return undefined;
    const found = byValues(r.type, paths, inputs).filter((b) => free(b));
    return found.length === 1 ? found[0] : undefined;
  };

  const visit = (address: string): { change: ResourceChange; inputs: Plain } | undefined => {
    const done = results.get(address);
    if (done) return done;
    const r = byAddress.get(address);
    if (!r || visiting.has(address)) return undefined;
    visiting.add(address);
    // A reference resolves to the baseline object's output when that object stays; otherwise it is known only after
    // deployment, and a ForceNew input holding it replaces the referrer too (as the engine plans an unknown).
    const resolve = (ref: Ref): unknown => {
      const target = `${ref.$ref.type}::${ref.$ref.name}`;
      const t = visit(target);
      const b = matched.get(target);
      if (!t || !b || t.change.op === "create" || t.change.op === "replace") return UNKNOWN;
      return b.outputs[ref.$ref.output] ?? UNKNOWN;
    };
    const inputs = markSecrets(
      resolveRefs(r.inputs, resolve, () => SECRET),
      r.secretInputs ?? [],
    ) as Plain;
    const b = candidates(r, inputs);
    matched.set(address, b);
    if (b) claimed.add(addressOf(b));
    const change: ResourceChange = {
      op: b ? "update" : r.importId !== undefined ? "import" : "create",
      type: r.type,
      name: r.name,
      ...(b && b.name !== r.name ? { baselineName: b.name } : {}),
      ...((b?.id ?? r.importId) !== undefined ? { id: (b?.id ?? r.importId)! } : {}),
      ...(r.protect ? { protect: true as const } : {}),
      changes: [],
    };
    if (b) {
      // ignoreChanges inputs keep what the baseline holds (the engine sends the old value).
      const ignored = r.ignoreChanges ?? [];
      const changes = diffValues(inSetOrder(r.type, b.inputs), inSetOrder(r.type, inputs)).filter(
        (c) =>
          !ignored.some((p) => c.path === p || c.path.startsWith(`${p}.`) || c.path.startsWith(`${p}[`)) &&
          !(c.kind === "delete" && listedPath(KEPT_WHEN_LEFT_OUT, r.type, c.path)) &&
          !(c.kind === "add" && baseline.match === "identity" && listedPath(NOT_IN_TENANT, r.type, c.path)),
      );
      const forceNew = forceNewPaths(r.type);
      const replacedBy = new Set<string>();
      for (const c of changes) {
        const f = forcing(c.path, forceNew);
        if (f.length > 0) {
          c.replaces = true;
          for (const p of f) replacedBy.add(c.path === "" ? p : c.path);
        }
      }
      change.changes = changes;
      if (replacedBy.size > 0) {
        change.op = "replace";
        change.replacedBy = [...replacedBy];
      }
    } else {
      change.changes = topLevel(inputs);
      if (r.importId !== undefined && baseline.match === "identity")
        notes.push(`${address}: its adopt id ${r.importId} is not in ${baseline.source}, so importing it will fail`);
    }
    const result = { change, inputs };
    results.set(address, result);
    visiting.delete(address);
    return result;
  };

  for (const r of desired) visit(addressOf(r));
  const resources: ResourceChange[] = [];
  const counts: ResourceDiff["counts"] = { create: 0, import: 0, update: 0, replace: 0, delete: 0, same: 0 };
  for (const r of desired) {
    const { change } = results.get(addressOf(r))!;
    if (change.op === "update" && change.changes.length === 0) {
      counts.same++;
      continue;
    }
    counts[change.op]++;
    resources.push(change);
  }
  const unmanaged: ResourceDiff["unmanaged"] = [];
  const deleted = new Set<string>();
  const left = baseline.resources.filter((b) => !claimed.has(addressOf(b)));
  // A leftover is deleted when it is the stack's own: matched by address, or an owned id, or it refers to a deleted one.
  for (let changed = true; changed;) {
    changed = false;
    for (const b of left) {
      const a = addressOf(b);
      if (deleted.has(a)) continue;
      if (
        baseline.match === "address" ||
        (b.id !== undefined && baseline.owned?.has(b.id)) ||
        (b.dependsOn ?? []).some((d) => deleted.has(d))
      ) {
        deleted.add(a);
        changed = true;
      }
    }
  }
  for (const b of left) {
    if (deleted.has(addressOf(b))) {
      counts.delete++;
      resources.push({ op: "delete", type: b.type, name: b.name, ...(b.id !== undefined ? { id: b.id } : {}), changes: [] });
    } else unmanaged.push({ type: b.type, name: b.name, ...(b.id !== undefined ? { id: b.id } : {}) });
  }
  return { baseline: baseline.source, resources, counts, unmanaged, notes };
}

/** A created resource's inputs, one line each. */
const topLevel = (inputs: Plain): PropertyChange[] =>
  Object.entries(inputs)
    .filter(([, v]) => !isEmpty(v))
    .map(([k, v]) => ({ path: childPath("", k), kind: "add", after: v }));

/** Any change that `--fail-on <what>` stops on: a change of any kind, a replacement, or a delete (a replace deletes too). */
export type FailOn = "change" | "replace" | "delete";
export function failsOn(diff: ResourceDiff, failOn: FailOn | undefined): ResourceChange[] {
  if (!failOn) return [];
  const ops: Record<FailOn, ResourceOp[]> = {
    change: ["create", "import", "update", "replace", "delete"],
    replace: ["replace"],
    delete: ["replace", "delete"],
  };
  return diff.resources.filter((r) => ops[failOn].includes(r.op));
}
