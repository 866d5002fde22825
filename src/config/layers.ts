import { StackConfigError } from "../errors";
import { isMapping, prototypeKeys } from "../dict";
import { excerpt } from "../excerpt";
import { formatPath, type PathSegment, type SpecIssue } from "../spec/issues";
import { parseYaml } from "./yaml";

/**
 * One tenant definition shared by every stack, plus what each stack changes. A stack's spec (`auth0-tenant:tenant` in
 * `Pulumi.<stack>.yaml`) that says `extends: tenant.yaml` is an overlay on that file; the two are merged with JSON
 * Merge Patch rules (RFC 7386):
 *
 * - mappings merge key by key, at every depth (apis, applications, scopes, grants, metadata, actions, secrets, triggers);
 * - anything else replaces what it overlays: scalars, and lists as a whole (credentials, callbacks, a grant's scopes,
 *   a trigger's binding order);
 * - `null` removes an inherited entry (`applications: { web-portal: null }`, `grants: { reports-api: null }`).
 *
 * The merged spec is validated exactly as a single-file spec, and each error is attributed to the file that wrote the
 * value it is about. A spec without `extends` is used as it is.
 */

export const EXTENDS_KEY = "extends";

export type FileReader = (relativePath: string) => Promise<string | undefined>;

export interface Layer {
  file: string;
  role: "shared definition" | "stack overlay";
}

export interface LayeredTenant {
  /** The spec to validate: the stack's own, or the shared definition with the stack's overlay merged in. */
  tenant: unknown;
  /** The shared definition's file, when the stack extends one. */
  shared?: string;
  /** The layer that wrote the value at a spec path (the deepest one recorded), for error messages. */
  layerOf(path: string): Layer | undefined;
}

type Mapping = Record<string, unknown>;

/** Resolves a stack's spec against the shared definition it extends (read through `readFile`, confined to the project). */
export async function layeredTenant(stackTenant: unknown, stackFile: string, readFile: FileReader): Promise<LayeredTenant> {
  const overlayLayer: Layer = { file: stackFile, role: "stack overlay" };
  if (!isMapping(stackTenant) || !Object.hasOwn(stackTenant, EXTENDS_KEY)) {
    return { tenant: stackTenant, layerOf: () => undefined };
  }
  const target = stackTenant[EXTENDS_KEY];
  if (typeof target !== "string" || !/^[A-Za-z0-9._-][A-Za-z0-9._/-]*\.ya?ml$/.test(target) || target.split("/").includes("..")) {
    throw new StackConfigError(
      `${stackFile}: ${EXTENDS_KEY}: ${excerpt(JSON.stringify(target))} is not a shared definition file (allowed: a .yaml file inside the project, e.g. tenant.yaml)`,
    );
  }
  const text = await readFile(target);
  if (text === undefined) throw new StackConfigError(`${stackFile}: ${EXTENDS_KEY}: ${target} not found in the project`);
  const shared = parseYaml(text, target);
  if (!isMapping(shared))
    throw new StackConfigError(`${target}: the shared definition must be a mapping (apis, applications, actions, triggers)`);
  if (Object.hasOwn(shared, EXTENDS_KEY)) {
    throw new StackConfigError(`${target}: a shared definition cannot extend another one (allowed: one shared definition per stack)`);
  }
  // A `__proto__` key would be lost in the merge below, its contents becoming inherited values that validation still
  // reads (e.g. an overlay's `__proto__: {protect: false}`): refused in each layer before anything is merged.
  for (const [doc, file] of [
    [shared, target],
    [stackTenant, stackFile],
  ] as const) {
    const found = prototypeKeys(doc);
    if (found.length > 0)
      throw new StackConfigError(
        `${file}: ${formatPath(found[0]!)}: a __proto__ key is never data (it would name an object's prototype); rename it`,
      );
  }
  const sharedLayer: Layer = { file: target, role: "shared definition" };
  // Only what the overlay wrote is recorded; every other path is the shared definition's (a tenant's shared file may
  // hold 10,000 applications, and recording each of their paths took longer than merging them).
  const origins = new Map<string, Layer>();
  const { [EXTENDS_KEY]: _extends, ...overlay } = stackTenant;
  const tenant = mergePatch(shared, overlay, [], overlayLayer, origins);
  return {
    tenant,
    shared: target,
    layerOf: (path) => {
      for (let p = path; p !== ""; p = parentPath(p)) {
        const layer = origins.get(p);
        if (layer) return layer;
      }
      return origins.get(formatPath([])) ?? sharedLayer;
    },
  };
}

/**
 * RFC 7386 merge of `patch` into `target`, recording the paths whose whole value `layer` wrote: a replaced value, a
 * removed entry, a mapping that was not there before. A mapping merged into an existing one is recorded by its keys.
 */
function mergePatch(target: unknown, patch: unknown, at: PathSegment[], layer: Layer, origins: Map<string, Layer>): unknown {
  if (!isMapping(patch)) {
    origins.set(formatPath(at), layer);
    return patch;
  }
  const out: Mapping = Object.assign(Object.create(null) as Mapping, isMapping(target) ? target : {});
  if (!isMapping(target)) origins.set(formatPath(at), layer);
  for (const [key, value] of Object.entries(patch)) {
    const path = [...at, key];
    if (value === null) {
      delete out[key];
      origins.set(formatPath(path), layer);
      continue;
    }
    out[key] = mergePatch(out[key], value, path, layer, origins);
  }
  return out;
}

/** `a.b[0].c` → `a.b[0]` → `a.b` → `a` → "". */
function parentPath(path: string): string {
  const m = /^(.*)(\.[^.[\]]*|\[\d+\])$/.exec(path);
  return m ? m[1]! : "";
}

/** Issues with the file (and layer) their value came from, when the spec is layered. */
export function attribute(issues: SpecIssue[], layered: LayeredTenant): SpecIssue[] {
  if (!layered.shared) return issues;
  return issues.map((i) => {
    const layer = layered.layerOf(i.path);
    return layer ? { ...i, file: `${layer.file} (${layer.role})` } : i;
  });
}
