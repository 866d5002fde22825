import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { discoveryDocument } from "./discovery";
import { invalidRequest, OAuthError } from "./errors";
import { Router, sendJson } from "./router";
import type { TokenEndpoint } from "./token-endpoint";

/** The token endpoint's body limit (an assertion is at most 2048 bytes; forms and JSON bodies stay far below). */
export const TOKEN_BODY_LIMIT = 64 * 1024;

/** Form-encoded (as OAuth specifies) or JSON (as Auth0 also accepts). */
function parseParams(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw invalidRequest("the JSON body does not parse");
    }
    if (typeof parsed !== "object" || parsed === null) throw invalidRequest("the JSON body must be an object");
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The local tenant's routes. The issuer is the origin a request reached (`https://localhost:4010/`), so discovery,
 * the tokens' `iss` and the assertion `aud` all name the URL the client actually uses.
 */
export function tenantRouter(endpoint: TokenEndpoint, cors: (req: IncomingMessage) => Record<string, string> = () => ({})): Router {
  const router = new Router();
  router.post(
    "/oauth/token",
    async ({ res, body, req, origin }) => {
      // A browser (a SPA) reads the answer, errors included, only with the CORS headers.
      const headers = cors(req);
      try {
        sendJson(res, 200, await endpoint.token(parseParams(body, req.headers["content-type"]), { issuer: `${origin}/` }), headers);
      } catch (e) {
        if (!(e instanceof OAuthError)) throw e;
        sendJson(res, e.status, e.toJSON(), headers);
      }
    },
    { maxBodyBytes: TOKEN_BODY_LIMIT },
  );
  router.get("/.well-known/jwks.json", ({ res }) => sendJson(res, 200, endpoint.jwks()));
  const discovery = ({ res, origin }: { res: ServerResponse; origin: string }) => sendJson(res, 200, discoveryDocument(origin));
  router.get("/.well-known/openid-configuration", discovery);
  router.get("/.well-known/oauth-authorization-server", discovery);
  router.get("/local/clients", ({ res }) =>
    sendJson(
      res,
      200,
      [...endpoint.clients.values()].map((c) => ({ app: c.app.key, client_id: c.clientId, name: c.app.name })),
    ),
  );
  return router;
}

/** The host names the server answers to (those its certificate covers); anything else is another server's name. */
export const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"] as const;

/**
 * The origin a request reached, from its Host header, when it names this server (one of LOCAL_HOSTS with its port).
 * Tokens carry it as `iss`, so a Host header naming anything else is refused rather than echoed into a token (this
 * also closes the door to DNS-rebinding pages).
 */
export function requestOrigin(req: IncomingMessage, scheme: "http" | "https", port: number): string | undefined {
  const host = req.headers.host?.toLowerCase();
  if (host === undefined) return `${scheme}://localhost:${port}`;
  const defaultPort = scheme === "https" ? 443 : 80;
  for (const name of LOCAL_HOSTS) {
    if (host === `${name}:${port}` || (port === defaultPort && host === name)) return `${scheme}://${host}`;
  }
  return undefined;
}

/** Node's own http or https server around a router, for 127.0.0.1. */
export function localServer(router: Router, options: { tls?: { key: string; cert: string } }): Server {
  const scheme = options.tls ? "https" : "http";
  let port: number | undefined; // read once: server.address() is a system call
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    port ??= (server.address() as AddressInfo).port;
    const origin = requestOrigin(req, scheme, port);
    if (!origin) {
      req.resume();
      return sendJson(res, 421, {
        error: "invalid_request",
        error_description: `the local tenant answers to ${LOCAL_HOSTS.join(", ")} with its port, not to Host ${req.headers.host}`,
      });
    }
    void router.handle(req, res, origin);
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest)
    : createHttpServer(onRequest);
  // Expect: 100-continue: a body over the route's limit is refused before the client sends it.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const limit = router.bodyLimit(req.method ?? "POST", new URL(req.url ?? "/", "http://x").pathname);
    const declared = Number(req.headers["content-length"]);
    if (limit !== undefined && Number.isFinite(declared) && declared > limit) {
      return sendJson(
        res,
        413,
        { error: "invalid_request", error_description: `the request body is larger than ${limit} bytes` },
        { connection: "close" },
      );
    }
    res.writeContinue();
    onRequest(req, res);
  });
  return server;
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
