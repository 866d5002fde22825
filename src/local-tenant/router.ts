import type { IncomingMessage, ServerResponse } from "node:http";
import { matchPath, splitPath, type Handler } from "@auth0-tenant/management-api-emulator";
import { OAuthError } from "./errors";

/**
 * A small router for the local tenant's HTTP(S) face: exact paths or `:param` segments, one handler per method,
 * HEAD served by the GET handler (Node sends the headers without the body), 405 with `Allow` for a known path, and
 * request bodies read by the router under a per-route limit (a real 413 with an OAuth error, never a reset
 * connection). Sub-routers mount under a prefix: `root.mount("/api/v2", managementApi)`.
 */

/** One request context and handler type for the local tenant's routes and the mounted Management API. */
export type { Handler, RequestContext } from "@auth0-tenant/management-api-emulator";

interface Route {
  segments: string[];
  handlers: Map<string, { handler: Handler; maxBodyBytes?: number }>;
}

/**
 * Bytes beyond a route's limit that are still read (and dropped) so the 413 reaches the client: a server that answers
 * and closes while the client is still sending makes most clients (fetch among them) see a reset, not the answer
 * (seen with 5 MB bodies at a 1 MiB drain). Local only (127.0.0.1), so reading up to 16 MiB is cheap.
 */
const DRAIN_BYTES = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A router mounted under a prefix (another Router, or the Management API's): asked for paths under the prefix. */
export interface Mountable {
  resolve(method: string, pathname: string): ReturnType<Router["resolve"]>;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly mounts: { segments: string[]; router: Mountable }[] = [];

  get(path: string, handler: Handler) {
    return this.on("GET", path, handler);
  }

  post(path: string, handler: Handler, options: { maxBodyBytes: number }) {
    return this.on("POST", path, handler, options);
  }

  /** Registers a handler; methods that carry a body must declare its limit. */
  on(method: string, path: string, handler: Handler, options: { maxBodyBytes?: number } = {}): this {
    const segments = splitPath(path);
    let route = this.routes.find((r) => r.segments.join("/") === segments.join("/"));
    if (!route) this.routes.push((route = { segments, handlers: new Map() }));
    if (route.handlers.has(method)) throw new Error(`${method} ${path} is already routed`);
    route.handlers.set(method, { handler, ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}) });
    return this;
  }

  mount(prefix: string, router: Mountable): this {
    this.mounts.push({ segments: splitPath(prefix), router });
    return this;
  }

  /** The route for a method and path, HEAD falling back to GET; "method" when the path exists with other methods. */
  resolve(
    method: string,
    pathname: string,
  ): { handler: Handler; maxBodyBytes?: number; params: Record<string, string> } | { allow: string[] } | undefined {
    const segments = splitPath(pathname);
    for (const m of this.mounts) {
      if (m.segments.every((s, i) => segments[i] === s)) {
        const found = m.router.resolve(method, `/${segments.slice(m.segments.length).join("/")}`);
        if (found) return found;
      }
    }
    for (const route of this.routes) {
      const params = matchPath(route.segments, segments);
      if (!params) continue;
      const entry = route.handlers.get(method) ?? (method === "HEAD" ? route.handlers.get("GET") : undefined);
      if (entry) return { ...entry, params };
      const allow = [...route.handlers.keys()];
      return { allow: allow.includes("GET") ? [...allow, "HEAD"] : allow };
    }
    return undefined;
  }

  /** The body limit of the route a request would reach (for `Expect: 100-continue`). */
  bodyLimit(method: string, pathname: string): number | undefined {
    const r = this.resolve(method, pathname);
    return r && "handler" in r ? r.maxBodyBytes : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const url = new URL(req.url ?? "/", origin);
    const method = req.method ?? "GET";
    try {
      const found = this.resolve(method, url.pathname);
      if (!found) {
        req.resume();
        return sendJson(res, 404, { error: "not_found", error_description: `${method} ${url.pathname} is not served by the local tenant` });
      }
      if ("allow" in found) {
        req.resume();
        return sendJson(
          res,
          405,
          {
            error: "invalid_request",
            error_description: `${method} is not allowed on ${url.pathname} (allowed: ${found.allow.join(", ")})`,
          },
          { allow: found.allow.join(", ") },
        );
      }
      const body = found.maxBodyBytes !== undefined ? await readBody(req, found.maxBodyBytes) : (req.resume(), "");
      await found.handler({ req, res, url, origin, params: found.params, body });
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      if (e instanceof BodyTooLarge) return sendJson(res, 413, e.error.toJSON(), e.close ? { connection: "close" } : {});
      if (e instanceof OAuthError) return sendJson(res, e.status, e.toJSON());
      sendJson(res, 500, { error: "server_error", error_description: (e as Error).message });
    }
  }
}

export class BodyTooLarge extends Error {
  readonly error: OAuthError;
  constructor(
    limit: number,
    /** The rest of the body was not read: the connection must close after the response. */
    readonly close: boolean,
  ) {
    super(`request body larger than ${limit} bytes`);
    this.error = new OAuthError(413, "invalid_request", `the request body is larger than ${limit} bytes`);
  }
}

/**
 * Reads a body up to `limit` bytes. Past it, the rest is read and dropped (up to DRAIN_BYTES more) before the 413
 * is sent, so the connection stays usable and the client reads the answer; a larger body gets the 413 at once,
 * with `connection: close`.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    // A client that waits for 100 Continue has not sent its body yet: it can be told at once.
    const waitsToSend = req.headers.expect?.toLowerCase() === "100-continue";
    if (Number.isFinite(declared) && (declared > limit + DRAIN_BYTES || (waitsToSend && declared > limit))) {
      req.resume();
      return reject(new BodyTooLarge(limit, true));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      chunks.length = 0;
      if (size > limit + DRAIN_BYTES && !settled) {
        settled = true;
        req.off("data", onData);
        req.resume();
        reject(new BodyTooLarge(limit, true));
      }
    };
    req.on("data", onData);
    req.on("end", () => {
      if (settled) return;
      settled = true;
      if (size > limit) reject(new BodyTooLarge(limit, false));
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
  });
}
