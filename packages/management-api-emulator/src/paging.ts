import { invalidQuery } from "./errors";

/**
 * The Management API's three paging styles (see /work/notes/mgmt-api-sdks.md §1 and the recorded responses):
 *
 * - offset (clients, resource servers, client grants without from/take): `page` (from 0) and `per_page` (at most
 *   100; 50 when absent); with `include_totals=true` the envelope `{total, start, limit, <items>}`, else a bare array;
 * - checkpoint (client grants with `from` or `take`): `{<items>, next?}`, `next` left out on the last page and sent
 *   back as `from`;
 * - actions and bindings: `page`/`per_page` answered as `{<items>, total, page, per_page}` with zero-valued members
 *   left out (proto3 JSON).
 */

export const MAX_PER_PAGE = 100;

function integerParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidQuery(`'Expected type integer but found type string' on property ${name}.`);
  if (n < min) throw invalidQuery(`'Value ${n} is less than minimum ${min}' on property ${name}.`);
  if (n > max) throw invalidQuery(`'Value ${n} is greater than maximum ${max}' on property ${name}.`);
  return n;
}

export function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw invalidQuery(`'Expected type boolean but found type string' on property ${name}.`);
}

export interface OffsetPage {
  page: number;
  perPage: number;
  includeTotals: boolean;
}

export function offsetParams(query: URLSearchParams, defaultPerPage = 50): OffsetPage {
  return {
    page: integerParam(query, "page", 0, Number.MAX_SAFE_INTEGER) ?? 0,
    perPage: integerParam(query, "per_page", 0, MAX_PER_PAGE) ?? defaultPerPage,
    includeTotals: booleanParam(query, "include_totals") ?? false,
  };
}

/** Offset paging: the envelope with include_totals, else the page as a bare array; past the end, an empty page. */
export function offsetPage<T>(items: T[], key: string, p: OffsetPage): unknown {
  const start = p.page * p.perPage;
  const slice = items.slice(start, start + p.perPage);
  return p.includeTotals ? { total: items.length, start, limit: p.perPage, [key]: slice } : slice;
}

export const isCheckpoint = (query: URLSearchParams) => query.has("from") || query.has("take");

/** Checkpoint paging over items that carry a position (`seq`): `next` is opaque, and resumes after the last one sent. */
export function checkpointPage<T>(items: { record: T; seq: number }[], key: string, query: URLSearchParams): unknown {
  const take = integerParam(query, "take", 1, Number.MAX_SAFE_INTEGER) ?? 50;
  const limit = Math.min(take, MAX_PER_PAGE); // larger values are capped at 100
  const from = query.get("from");
  let after = 0;
  if (from) {
    const decoded = Number(Buffer.from(from, "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidQuery(`'Invalid checkpoint' on property from.`);
    after = decoded;
  }
  const rest = items.filter((i) => i.seq > after);
  const slice = rest.slice(0, limit);
  const last = slice.at(-1);
  return {
    [key]: slice.map((i) => i.record),
    ...(rest.length > limit && last ? { next: Buffer.from(String(last.seq)).toString("base64url") } : {}),
  };
}

/** Actions and bindings: `{items, total, page, per_page}`, zero values left out; `total` is absent past the end (recorded). */
export function protoPage<T>(items: T[], key: string, query: URLSearchParams, defaultPerPage = 20): unknown {
  const page = integerParam(query, "page", 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const perPage = integerParam(query, "per_page", 0, MAX_PER_PAGE) ?? defaultPerPage;
  const slice = items.slice(page * perPage, page * perPage + perPage);
  const total = slice.length > 0 ? items.length : 0;
  return {
    [key]: slice,
    ...(total ? { total } : {}),
    ...(page ? { page } : {}),
    ...(perPage ? { per_page: perPage } : {}),
  };
}
