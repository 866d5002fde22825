import { TenantReadError } from "../errors";

/**
 * Bounds of one read of the tenant. The tenant decides how long its lists are and what their pages say comes next, so
 * a list that never ends (full pages forever, a checkpoint `next` forever, thousands of triggers to read bindings of)
 * ends here, with exit 4 and the limit that ended it. Each can be raised for a tenant that is really that large.
 */
export interface ReadLimits {
  /** Management API calls in all (token requests and retries included). */
  maxCalls: number;
  /** Pages of one list. */
  maxPages: number;
  /** Seconds for the whole read. */
  maxSeconds: number;
}

/** 1,000 pages of 100 is 100,000 records of one kind; 10,000 applications take about 10,100 calls. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxCalls: 50_000, maxPages: 1_000, maxSeconds: 900 };

/** The command-line option that raises each limit (import, drift and plan --live). */
export const LIMIT_OPTIONS = { maxCalls: "--max-calls", maxPages: "--max-pages", maxSeconds: "--timeout" } as const satisfies Record<
  keyof ReadLimits,
  string
>;

/** One answer's body: the largest real one (100 actions with their code, draft and deployed) is about 20 MB. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The error a limit ends a read with: what reached it, and how to raise it. */
export function limitReached(limit: keyof ReadLimits, value: number, what: string): TenantReadError {
  const option = LIMIT_OPTIONS[limit];
  return new TenantReadError(
    `the read of the tenant stopped at its limit ${option} ${value}: ${what}. A tenant answering without end is refused; if it really is this large, raise the limit (${option} <n>)`,
  );
}
