import { payloadError } from "./errors";

/** JSON types as Auth0's validation messages name them. */
export type FieldType = "string" | "boolean" | "integer" | "number" | "array" | "object" | "any";

export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const fits = (type: FieldType, v: unknown) => type === "any" || jsonType(v) === type || (type === "number" && jsonType(v) === "integer");

/**
 * Checks a request body the way the Management API does, with its messages: an object, no properties it does not
 * know (`Additional properties not allowed: x`), required ones present (`Missing required property: x`), each of
 * the right JSON type (`Expected type string but found type integer` on property x). `null` is accepted where
 * `nullable` says so (PATCH: null removes the property).
 */
export function checkBody(
  body: unknown,
  fields: Record<string, FieldType>,
  options: { required?: string[]; nullable?: boolean } = {},
): Record<string, unknown> {
  if (jsonType(body) !== "object") throw payloadError(`Expected type object but found type ${jsonType(body)}`);
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !(k in fields));
  if (unknown.length > 0) throw payloadError(`Additional properties not allowed: ${unknown.join(",")}`);
  for (const name of options.required ?? []) {
    if (record[name] === undefined) throw payloadError(`Missing required property: ${name}`);
  }
  for (const [name, value] of Object.entries(record)) {
    if (value === null && options.nullable && !(options.required ?? []).includes(name)) continue;
    const type = fields[name]!;
    if (!fits(type, value)) throw payloadError(`Expected type ${type} but found type ${jsonType(value)}`, name);
  }
  return record;
}

export function checkStringArray(value: unknown, property: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw payloadError(`Expected type array of strings but found type ${jsonType(value)}`, property);
  }
  return value as string[];
}

/** The request body as JSON (an empty body is `{}`, as for Auth0's bodiless POSTs such as deploy). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw payloadError("Invalid JSON body");
  }
}
