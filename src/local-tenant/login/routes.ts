import type { IncomingMessage, ServerResponse } from "node:http";
import { OAuthError } from "../errors";
import { sendJson, type RequestContext, type Router } from "../router";
import type { BrowserRequest, LoginFlow, Reply } from "./flow";
import { SESSION_COOKIE } from "./flow";
import { PAGE_HEADERS } from "./login-page";

/** The login form's body limit: an email, a password and the transaction id. */
const FORM_BODY_LIMIT = 16 * 1024;

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function browserRequest({ req, origin }: RequestContext): BrowserRequest {
  const url = new URL(origin);
  const cookieValue = cookie(req, SESSION_COOKIE);
  const language = req.headers["accept-language"]?.split(",")[0]?.split(";")[0]?.trim();
  return {
    issuer: `${origin}/`,
    secure: url.protocol === "https:",
    ...(cookieValue ? { sessionCookie: cookieValue } : {}),
    ip: req.socket.remoteAddress ?? "127.0.0.1",
    hostname: url.hostname,
    ...(req.headers["user-agent"] ? { userAgent: req.headers["user-agent"] } : {}),
    ...(language ? { language } : {}),
    method: req.method ?? "GET",
  };
}

function send(res: ServerResponse, reply: Reply) {
  const cookies = reply.cookies ? { "set-cookie": reply.cookies } : {};
  if ("redirect" in reply) {
    res.writeHead(302, { location: reply.redirect, "cache-control": "no-store", "content-length": 0, ...cookies });
    return void res.end();
  }
  res.writeHead(reply.status, { ...PAGE_HEADERS, "content-length": Buffer.byteLength(reply.html), ...cookies });
  res.end(reply.html);
}

/**
 * CORS for the endpoints a SPA calls with fetch (token, userinfo): an allowed origin is echoed back, others get no
 * CORS headers (the browser then refuses the answer). Preflights are answered for the headers SDKs send.
 */
export function corsHeaders(flow: LoginFlow, req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !flow.corsOrigins.has(origin)) return {};
  return { "access-control-allow-origin": origin, vary: "Origin" };
}

function preflight(flow: LoginFlow, methods: string) {
  return ({ req, res }: RequestContext) => {
    const allowed = corsHeaders(flow, req);
    const headers = req.headers["access-control-request-headers"];
    res.writeHead(204, {
      ...allowed,
      ...(allowed["access-control-allow-origin"]
        ? {
            "access-control-allow-methods": methods,
            ...(headers ? { "access-control-allow-headers": headers.slice(0, 512) } : {}),
            "access-control-max-age": "600",
          }
        : {}),
      "content-length": 0,
    });
    res.end();
  };
}

/** Mounts the login flow's browser endpoints (the grants sit on the token endpoint: LoginFlow adds them). */
export function loginRoutes(router: Router, flow: LoginFlow): Router {
  router.get("/authorize", async (ctx) => send(ctx.res, await flow.authorize(ctx.url.searchParams, browserRequest(ctx))));
  router.post(
    "/u/login",
    async (ctx) => {
      if (!ctx.req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded"))
        throw new OAuthError(415, "invalid_request", "the login form is posted as application/x-www-form-urlencoded");
      send(ctx.res, await flow.submitLogin(new URLSearchParams(ctx.body), browserRequest(ctx)));
    },
    { maxBodyBytes: FORM_BODY_LIMIT },
  );
  router.get("/userinfo", async ({ req, res, origin }) => {
    const cors = corsHeaders(flow, req);
    try {
      sendJson(res, 200, await flow.userinfo(req.headers.authorization, `${origin}/`), cors);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      // RFC 6750 3: the challenge names the error.
      sendJson(res, e.status, e.toJSON(), { ...cors, "www-authenticate": `Bearer error="${e.error}"` });
    }
  });
  router.on("OPTIONS", "/userinfo", preflight(flow, "GET"));
  router.on("OPTIONS", "/oauth/token", preflight(flow, "POST"));
  router.get("/v2/logout", (ctx) => send(ctx.res, flow.logout(ctx.url.searchParams, browserRequest(ctx))));
  router.get("/oidc/logout", async (ctx) => send(ctx.res, await flow.oidcLogout(ctx.url.searchParams, browserRequest(ctx))));
  return router;
}
