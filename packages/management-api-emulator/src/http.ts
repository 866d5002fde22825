import type { IncomingMessage, ServerResponse } from "node:http";
import { insufficientScope, invalidQuery, ManagementApiError, notFound, notServedLocally, tooManyRequests } from "./errors";
import { faultError, type Faults, type RateLimiter } from "./faults";
import type { ManagementScope } from "./scopes";
import { unservedEndpointScope } from "./unserved";
import { parseJsonBody } from "./validate";

/** Auth0: "All endpoints accept a payload of up to 1 megabyte." */
export const MANAGEMENT_BODY_LIMIT = 1024 * 1024;
export const MANAGEMENT_BASE_PATH = "/api/v2";

/** A request as the host server hands it over (the body already read, within the route's `maxBodyBytes`). */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The origin the request reached, e.g. `https://localhost:4010` (no trailing slash). */
  origin: string;
  /** `:name` segments of the matched path. */
  params: Record<string, string>;
  body: string;
}

export type Handler = (ctx: RequestContext) => unknown;

/** What a host router asks of a router mounted under a prefix: the handler for a method and a path under the prefix. */
export interface Resolved {
  handler: Handler;
  maxBodyBytes?: number;
  params: Record<string, string>;
}

/** A caller's access token, as the host's token authentication found it. */
export interface BearerToken {
  clientId: string;
  scopes: Set<string>;
  payload: Record<string, unknown>;
}

/**
 * Token authentication, injected by the host: checks `Authorization: Bearer <token>` for a request that reached
 * `origin`, and throws the ManagementApiError Auth0 answers (errors.ts: missingAuthentication, invalidToken) when it
 * does not hold.
 */
export type Authenticate = (authorization: string | undefined, origin: string) => Promise<BearerToken>;

export interface RequestLogEntry {
  method: string;
  /** Path and query, e.g. /api/v2/clients?page=0&per_page=50&include_totals=true */
  path: string;
  status: number;
  at: Date;
}

export interface RouteContext {
  authenticate: Authenticate;
  faults: Faults;
  rateLimit: RateLimiter;
  now: () => Date;
  log: (entry: RequestLogEntry) => void;
}

export interface Call {
  ctx: RequestContext;
  query: URLSearchParams;
  token: BearerToken;
  json: () => unknown;
}

export type Result = { status: number; body?: unknown };
export type Operation = (call: Call) => Result | Promise<Result>;
/** Declares one endpoint: its method, path under /api/v2, the scopes that allow it, its query parameters. */
export type Route = (
  method: string,
  path: string,
  scopes: readonly ManagementScope[],
  queryParams: readonly string[],
  op: Operation,
) => void;

export interface EndpointDescription {
  method: string;
  path: string;
  scopes: readonly ManagementScope[];
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  if (body === undefined) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    return void res.end();
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Unknown query parameters are refused, as Auth0 does (`Additional properties not allowed`). */
function checkQuery(query: URLSearchParams, allowed: readonly string[]) {
  const unknown = [...new Set(query.keys())].filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalidQuery(`'Additional properties not allowed: ${unknown.join(",")}'.`);
}

/** A comma-separated (or repeated) query parameter. */
export const listParam = (query: URLSearchParams, name: string): string[] | undefined => {
  const values = query.getAll(name).flatMap((v) => v.split(","));
  return values.length > 0 ? values.filter((v) => v !== "") : undefined;
};

/** 403 unless the token holds one of the scopes an endpoint accepts. */
export function requireScope(token: BearerToken, anyOf: readonly string[]) {
  if (!anyOf.some((s) => token.scopes.has(s))) throw insufficientScope(anyOf);
}

export const splitPath = (p: string) => p.split("/").filter((s) => s !== "");

/** The parameters of `segments` under a route `pattern` (`:name` segments, percent-decoded), or undefined. */
export function matchPath(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(":")) {
      try {
        params[p.slice(1)] = decodeURIComponent(segments[i]!);
      } catch {
        return undefined;
      }
    } else if (p !== segments[i]) return undefined;
  }
  return params;
}

/**
 * The /api/v2 routes, mounted by a host router (`resolve` is asked for paths under the mount point). Every answer is
 * the Management API's: unknown paths get Auth0's 404 body and a wrong method a 405 in the same shape.
 */
export class ManagementRouter {
  private readonly routes: { segments: string[]; handlers: Map<string, Resolved> }[] = [];

  constructor(
    private readonly respond: (ctx: RequestContext, error: ManagementApiError, headers?: Record<string, string>) => void,
    private readonly authenticate: Authenticate,
  ) {}

  on(method: string, path: string, handler: Handler, maxBodyBytes?: number): void {
    const segments = splitPath(path);
    let route = this.routes.find((r) => r.segments.join("/") === segments.join("/"));
    if (!route) this.routes.push((route = { segments, handlers: new Map() }));
    if (route.handlers.has(method)) throw new Error(`${method} ${path} is already routed`);
    route.handlers.set(method, { handler, params: {}, ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}) });
  }

  resolve(method: string, pathname: string): Resolved {
    const segments = splitPath(pathname);
    for (const route of this.routes) {
      const params = matchPath(route.segments, segments);
      if (!params) continue;
      const entry = route.handlers.get(method) ?? (method === "HEAD" ? route.handlers.get("GET") : undefined);
      if (entry) return { ...entry, params };
      const allowed = [...route.handlers.keys()];
      const allow = (allowed.includes("GET") ? [...allowed, "HEAD"] : allowed).join(", ");
      return {
        params: {},
        handler: (ctx) =>
          this.respond(ctx, new ManagementApiError(405, `${method} is not allowed on this path (allowed: ${allow})`), { allow }),
      };
    }
    const scope = unservedEndpointScope(method, pathname);
    if (scope) return { params: {}, handler: (ctx) => this.unserved(ctx, method, ctx.url.pathname, scope) };
    // Recorded for unknown paths: {"statusCode":404,"error":"Not Found","message":"Not Found"}.
    return { params: {}, handler: (ctx) => this.respond(ctx, notFound("Not Found")) };
  }

  /** An Auth0 endpoint with no local model: the caller's token decides between 401, 403 and a plain "not served". */
  private async unserved(ctx: RequestContext, method: string, pathname: string, scope: string) {
    try {
      const token = await this.authenticate(ctx.req.headers.authorization, ctx.origin);
      requireScope(token, [scope]);
      this.respond(ctx, notServedLocally(method, pathname));
    } catch (e) {
      if (!(e instanceof ManagementApiError)) throw e;
      this.respond(ctx, e);
    }
  }
}

/** The router with the endpoints each collection declares (`declare(route)`), each with the scopes it accepts. */
export function managementRouter(
  rc: RouteContext,
  declare: (route: Route) => void,
): { router: ManagementRouter; endpoints: EndpointDescription[] } {
  const endpoints: EndpointDescription[] = [];

  const respond = (ctx: RequestContext, answer: ManagementApiError, headers: Record<string, string> = {}) => {
    const limit = rc.rateLimit.take(rc.now().getTime());
    // The limit is the tenant's, whatever the path: an enforced one refuses unknown and unserved paths too.
    const error = limit.limited ? tooManyRequests({ "retry-after": String(limit.retryAfter) }) : answer;
    send(ctx.res, error.status, error.toJSON(), { ...limit.headers, ...(limit.limited ? {} : headers), ...error.headers });
    rc.log({ method: ctx.req.method ?? "GET", path: `${ctx.url.pathname}${ctx.url.search}`, status: error.status, at: rc.now() });
  };
  const router = new ManagementRouter(respond, rc.authenticate);

  const route: Route = (method, path, scopes, queryParams, op) => {
    endpoints.push({ method, path: `${MANAGEMENT_BASE_PATH}${path}`, scopes });
    const handler: Handler = async (ctx) => {
      const nowMs = rc.now().getTime();
      const limit = rc.rateLimit.take(nowMs);
      let status = 500;
      let headers = limit.headers;
      try {
        const fault = rc.faults.take(ctx.req.method ?? method, ctx.url.pathname, MANAGEMENT_BASE_PATH);
        if (fault) {
          const { error, body } = faultError(fault, nowMs);
          status = error.status;
          return send(ctx.res, status, body ?? error.toJSON(), { ...headers, ...error.headers });
        }
        if (limit.limited) throw tooManyRequests({ "retry-after": String(limit.retryAfter) });
        const token = await rc.authenticate(ctx.req.headers.authorization, ctx.origin);
        requireScope(token, scopes);
        checkQuery(ctx.url.searchParams, queryParams);
        const result = await op({ ctx, query: ctx.url.searchParams, token, json: () => parseJsonBody(ctx.body) });
        status = result.status;
        send(ctx.res, status, result.body, headers);
      } catch (e) {
        const error =
          e instanceof ManagementApiError ? e : new ManagementApiError(500, `An internal server error occurred (${(e as Error).message})`);
        status = error.status;
        headers = { ...headers, ...error.headers };
        send(ctx.res, status, error.toJSON(), headers);
      } finally {
        rc.log({ method: ctx.req.method ?? method, path: `${ctx.url.pathname}${ctx.url.search}`, status, at: rc.now() });
      }
    };
    // Bodies are read by the host (router.ts's readBody) up to the limit: DELETE takes one too (role permissions).
    router.on(method, path, handler, method === "GET" ? undefined : MANAGEMENT_BODY_LIMIT);
  };
  declare(route);
  return { router, endpoints };
}
