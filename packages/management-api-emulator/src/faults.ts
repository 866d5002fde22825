import { ManagementApiError, tooManyRequests } from "./errors";

/**
 * Fault injection for tests of a Management API client's retry and error handling: the next N requests to a path
 * are answered with a 429 (with `retry-after`) or a 5xx instead of being served.
 *
 *   tenant.management.faults.add({ path: "/clients", status: 429, times: 1, retryAfter: 1 });
 *   tenant.management.faults.add({ method: "GET", path: /^\/api\/v2\/client-grants/, status: 500, times: 3 });
 */
export interface FaultOptions {
  /** A path under /api/v2 (`/clients`, or `/api/v2/clients`), matched exactly, or a RegExp tested on the full path. */
  path: string | RegExp;
  /** Only requests with this method (default: any). */
  method?: string;
  /** 429 (default), or any error status such as 500 or 503. */
  status?: number;
  /** How many requests to answer this way (default 1). */
  times?: number;
  /** Seconds for `retry-after` on a 429 (default 1); null sends none (clients then fall back to x-ratelimit-reset). */
  retryAfter?: number | null;
  /** The response body (default: Auth0's body for the status). */
  body?: unknown;
}

export interface Fault {
  readonly options: FaultOptions;
  /** Requests still to be answered with the fault. */
  remaining: number;
  /** Requests answered with it so far. */
  hits: number;
}

export class Faults {
  private readonly list: Fault[] = [];

  add(options: FaultOptions): Fault {
    const fault: Fault = { options, remaining: options.times ?? 1, hits: 0 };
    this.list.push(fault);
    return fault;
  }

  clear() {
    this.list.length = 0;
  }

  /** Faults with requests still to answer. */
  get pending(): Fault[] {
    return this.list.filter((f) => f.remaining > 0);
  }

  /** The fault a request meets (each request uses up one), or undefined. `pathname` is the full path (/api/v2/...). */
  take(method: string, pathname: string, basePath: string): Fault | undefined {
    const fault = this.list.find((f) => f.remaining > 0 && matches(f.options, method, pathname, basePath));
    if (fault) {
      fault.remaining--;
      fault.hits++;
    }
    return fault;
  }
}

function matches(o: FaultOptions, method: string, pathname: string, basePath: string): boolean {
  if (o.method && o.method.toUpperCase() !== method.toUpperCase()) return false;
  if (o.path instanceof RegExp) return o.path.test(pathname);
  const full = o.path.startsWith(`${basePath}/`) ? o.path : `${basePath}${o.path.startsWith("/") ? "" : "/"}${o.path}`;
  return full.replace(/\/$/, "") === pathname.replace(/\/$/, "");
}

/** The error a fault answers with; rate-limit headers are added by the caller. */
export function faultError(fault: Fault, nowMs: number): { error: ManagementApiError; body?: unknown } {
  const status = fault.options.status ?? 429;
  let error: ManagementApiError;
  if (status === 429) {
    const retryAfter = fault.options.retryAfter === undefined ? 1 : fault.options.retryAfter;
    const reset = Math.ceil(nowMs / 1000) + (retryAfter ?? 1);
    error = tooManyRequests({
      ...(retryAfter !== null ? { "retry-after": String(retryAfter) } : {}),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(reset),
    });
  } else {
    // hapi's (Boom's) body for a 500, which the Management API runs on.
    error = new ManagementApiError(status, status === 500 ? "An internal server error occurred" : "Injected fault");
  }
  return { error, ...(fault.options.body !== undefined ? { body: fault.options.body } : {}) };
}

export interface RateLimitOptions {
  /** Requests per window (x-ratelimit-limit). Default 50. */
  limit?: number;
  /** Window length in seconds. Default 1. */
  windowSeconds?: number;
  /** Answer 429 when the window's budget is spent (default false: the headers are sent, nothing is refused). */
  enforce?: boolean;
}

/**
 * The x-ratelimit-* headers every Management API response carries (reset = the UNIX time in seconds at which the
 * budget refills), counted over a fixed window. Refusing past the limit is opt-in, so tests that make many calls
 * are not slowed down; switch it on with `rateLimit.enforce = true`.
 */
export class RateLimiter {
  limit: number;
  windowSeconds: number;
  enforce: boolean;
  private windowStart = 0;
  private used = 0;

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 50;
    this.windowSeconds = options.windowSeconds ?? 1;
    this.enforce = options.enforce ?? false;
  }

  /** Counts one request; `limited` when it is over the budget and enforcement is on. */
  take(nowMs: number): { headers: Record<string, string>; limited: boolean; retryAfter: number } {
    const windowMs = this.windowSeconds * 1000;
    if (nowMs >= this.windowStart + windowMs) {
      this.windowStart = Math.floor(nowMs / windowMs) * windowMs;
      this.used = 0;
    }
    this.used++;
    const reset = Math.ceil((this.windowStart + windowMs) / 1000);
    const over = this.used > this.limit;
    return {
      headers: {
        "x-ratelimit-limit": String(this.limit),
        "x-ratelimit-remaining": String(Math.max(0, this.limit - this.used)),
        "x-ratelimit-reset": String(reset),
      },
      limited: over && this.enforce,
      retryAfter: Math.max(1, reset - Math.floor(nowMs / 1000)),
    };
  }
}
