import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { ensureLocalTls, type LocalTls } from "../../src/local-tenant/tls";

/**
 * A Management API that answers what a test tells it to, on 127.0.0.1: HTTPS with the local tenant's certificate (so
 * the unmodified SDK reads it, as it would a real tenant), or plain HTTP (a place a redirect points to). Unrouted
 * requests get an empty but well-formed tenant; every request is recorded.
 */

export interface HostileRequest {
  method: string;
  path: string;
  url: URL;
  body: string;
}

export type Answer = { status?: number; headers?: Record<string, string>; body?: unknown } | "hang";
export type Route = (req: HostileRequest) => Answer | Promise<Answer>;

export interface HostileApi {
  /** https://127.0.0.1:<port> (or http:// for a plain server). */
  url: string;
  /** The reader's domain for it: 127.0.0.1:<port>. */
  domain: string;
  requests: HostileRequest[];
  /** Routes by "METHOD /path" (no query); set or replace at will. */
  routes: Map<string, Route>;
  close: () => Promise<void>;
}

export const EMPTY_TENANT: Record<string, Route> = {
  "POST /oauth/token": () => ({ body: { access_token: "hostile-token", expires_in: 86400, token_type: "Bearer" } }),
  "GET /api/v2/clients": () => ({ body: { clients: [], start: 0, limit: 100, total: 0 } }),
  "GET /api/v2/client-grants": () => ({ body: { client_grants: [] } }),
  "GET /api/v2/resource-servers": () => ({ body: { resource_servers: [] } }),
  "GET /api/v2/actions/actions": () => ({ body: { actions: [], total: 0, page: 0, per_page: 100 } }),
  "GET /api/v2/roles": () => ({ body: { roles: [], start: 0, limit: 100, total: 0 } }),
};

export async function startHostileApi(options: { tls?: LocalTls; routes?: Record<string, Route> } = {}): Promise<HostileApi> {
  const requests: HostileRequest[] = [];
  const routes = new Map<string, Route>(Object.entries({ ...EMPTY_TENANT, ...options.routes }));
  const hanging = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const request = { method: req.method ?? "GET", path: url.pathname, url, body: Buffer.concat(chunks).toString() };
      requests.push(request);
      const key = `${request.method} ${url.pathname}`;
      const route: Route =
        routes.get(key) ??
        (/^GET \/api\/v2\/clients\/[^/]+\/credentials$/.test(key)
          ? () => ({ body: [] })
          : /^GET \/api\/v2\/actions\/triggers\/[^/]+\/bindings$/.test(key)
            ? () => ({ body: { bindings: [] } })
            : /^GET \/api\/v2\/roles\/[^/]+\/permissions$/.test(key)
              ? () => ({ body: { permissions: [], start: 0, limit: 100, total: 0 } })
              : () => ({ status: 404, body: { statusCode: 404, error: "Not Found", message: `no route ${key}` } }));
      const answer = await route(request);
      if (answer === "hang") {
        hanging.add(res);
        return;
      }
      const body = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, {
        "content-type": typeof answer.body === "string" ? "text/html" : "application/json",
        ...answer.headers,
      });
      res.end(body);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certPem }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    domain: `127.0.0.1:${port}`,
    requests,
    routes,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
      }),
  };
}

export const localTls = (dir: string) => ensureLocalTls(dir);
