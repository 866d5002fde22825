import type { z } from "zod";
import { TenantReadError } from "../errors";
import { excerpt } from "../excerpt";

export * from "@auth0-tenant/management-api-emulator/wire";

/**
 * A tenant's answers checked at the edge, before anything else sees them, against the Management API's wire schemas
 * (@auth0-tenant/management-api-emulator/wire): a page that is not the envelope a list answers, or a record of the
 * wrong shape, ends the read with a TenantReadError naming the endpoint, the record and the field.
 */

/** What a list endpoint answers: an object holding the records under `key` (a bare array for `key` undefined). */
export function pageItems(endpoint: string, key: string | undefined, body: unknown): unknown[] {
  const items =
    key === undefined
      ? body
      : typeof body === "object" && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)[key]
        : undefined;
  if (!Array.isArray(items))
    throw new TenantReadError(
      `${endpoint}: the answer is not what the Management API answers (expected ${key === undefined ? "a JSON array of records" : `a JSON object with a "${key}" array`}, got ${excerpt(body, 80)}); is this the tenant's Management API?`,
    );
  return items;
}

/** Each record checked against its schema; the first that does not fit ends the read, named by endpoint, position, id and field. */
export function parseRecords<S extends z.ZodType>(endpoint: string, schema: S, items: unknown[], offset = 0): z.infer<S>[] {
  return items.map((item, i) => {
    const parsed = schema.safeParse(item, { reportInput: true });
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const record = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const idOf = record.id ?? record.client_id;
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "the record";
    const got =
      "input" in issue
        ? `, got ${issue.input === undefined ? "nothing" : excerpt(typeof issue.input === "string" ? JSON.stringify(issue.input) : issue.input, 80)}`
        : "";
    throw new TenantReadError(
      `${endpoint}: record ${offset + i}${typeof idOf === "string" ? ` (${excerpt(idOf, 80)})` : ""}: ${field}: ${describeIssue(issue)}${got}. The tenant's answer does not fit the Management API's schema; nothing was written`,
    );
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `expected ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  return issue.message;
}
