import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { OAuthError } from "./errors";
import type { TokenEndpoint } from "./token-endpoint";

const MAX_BODY_BYTES = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new OAuthError(413, "invalid_request", `request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Form-encoded (as OAuth specifies) or JSON (as Auth0 also accepts). */
function parseParams(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new OAuthError(400, "invalid_request", "the JSON body does not parse");
    }
    if (typeof parsed !== "object" || parsed === null) throw new OAuthError(400, "invalid_request", "the JSON body must be an object");
    return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** The local tenant's HTTP face, on 127.0.0.1 only. */
export function localTenantServer(endpoint: TokenEndpoint, publicUrl: () => string): Server {
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "POST" && url.pathname === "/oauth/token") {
        const params = parseParams(await readBody(req), req.headers["content-type"]);
        return send(res, 200, await endpoint.token(params));
      }
      if (req.method === "GET" && url.pathname === "/.well-known/jwks.json") return send(res, 200, endpoint.jwks());
      if (req.method === "GET" && url.pathname === "/.well-known/openid-configuration") {
        const base = publicUrl();
        return send(res, 200, {
          issuer: endpoint.issuer,
          token_endpoint: `${base}/oauth/token`,
          jwks_uri: `${base}/.well-known/jwks.json`,
          grant_types_supported: ["client_credentials"],
          token_endpoint_auth_methods_supported: ["private_key_jwt"],
          token_endpoint_auth_signing_alg_values_supported: ["RS256", "RS384", "PS256"],
          id_token_signing_alg_values_supported: ["RS256"],
        });
      }
      if (req.method === "GET" && url.pathname === "/local/clients") {
        return send(
          res,
          200,
          [...endpoint.clients.values()].map((c) => ({ app: c.app.key, client_id: c.clientId, name: c.app.name })),
        );
      }
      send(res, 404, { error: "not_found", error_description: `${req.method} ${url.pathname} is not served by the local tenant` });
    } catch (e) {
      if (e instanceof OAuthError) return send(res, e.status, e.toJSON());
      send(res, 500, { error: "server_error", error_description: (e as Error).message });
    }
  });
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
