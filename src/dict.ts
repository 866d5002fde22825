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
export const toDict = <T>(record: Record<string, T>): Dict<T> => dict(Object.entries(record));

/** Paths of every `__proto__` key in a parsed document: a key that names an object's prototype is never data. */
export function prototypeKeys(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const seen = new Set<object>();
  const at: (string | number)[] = []; // one path, pushed and popped: copied only for a finding
  const walk = (v: unknown) => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
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
