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
export function prototypeKeys(
  value: unknown,
  path: (string | number)[] = [],
  found: (string | number)[][] = [],
  seen = new Set<object>(),
): (string | number)[][] {
  if (typeof value !== "object" || value === null || seen.has(value)) return found;
  seen.add(value);
  if (Array.isArray(value)) value.forEach((v, i) => prototypeKeys(v, [...path, i], found, seen));
  else
    for (const key of Object.keys(value)) {
      if (key === "__proto__") found.push([...path, key]);
      else prototypeKeys((value as Record<string, unknown>)[key], [...path, key], found, seen);
    }
  return found;
}
