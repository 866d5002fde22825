/**
 * Maps keyed by names from a spec are prototype-free, so a key such as `constructor` or `toString` is a name like any
 * other: a lookup of a missing key never finds Object.prototype's members, and no key can reach a prototype.
 */
export type Dict<T> = Record<string, T>;

export function dict<T>(entries: Iterable<readonly [string, T]> = []): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** A prototype-free copy of a record (e.g. one zod built). */
export function toDict<T>(record: Record<string, T>): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  for (const k of Object.keys(record)) out[k] = record[k]!;
  return out;
}

/**
 * Parsed documents that share no node: JSON text, and YAML text without anchors (an alias can only repeat an anchored
 * node). Every value inside such a document is a tree too, so a walk of one needs no set of visited nodes.
 */
const trees = new WeakSet<object>();

/** Records that `value` came from a parse that cannot share nodes (see `trees`); returns it. */
export function markTree<T>(value: T): T {
  if (typeof value === "object" && value !== null) trees.add(value);
  return value;
}

/** `part`, taken from inside `whole`, marked as a tree when `whole` is one. */
export const partOfTree = <T>(whole: unknown, part: T): T =>
  typeof whole === "object" && whole !== null && trees.has(whole) ? markTree(part) : part;

/**
 * Paths of every `__proto__` key in a parsed document: a key that names an object's prototype is never data. A node
 * shared through YAML aliases (or a cycle in a value built in code) is walked once; a tree is walked without that
 * bookkeeping, which gave each of a 10,000-application spec's objects an identity hash.
 */
export function prototypeKeys(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const seen = typeof value === "object" && value !== null && trees.has(value) ? undefined : new Set<object>();
  const at: (string | number)[] = []; // one path, pushed and popped: copied only for a finding
  const walk = (v: unknown) => {
    if (typeof v !== "object" || v === null) return;
    if (seen) {
      if (seen.has(v)) return;
      seen.add(v);
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        walk(v[i]);
        at.pop();
      }
      return;
    }
    for (const key of Object.keys(v)) {
      at.push(key);
      if (key === "__proto__") found.push([...at]);
      else walk((v as Record<string, unknown>)[key]);
      at.pop();
    }
  };
  walk(value);
  return found;
}

/** A YAML or JSON mapping (an object that is not an array). */
export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
