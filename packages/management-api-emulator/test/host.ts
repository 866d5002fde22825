import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ManagementApi, ManagementApiError, missingAuthentication, type InspectedKey } from "../src";

/**
 * The emulator served on its own, as a host embeds it: an HTTP server on 127.0.0.1 that reads each body (within
 * the route's limit) and hands the request to the router mounted at /api/v2; token authentication that takes
 * `Bearer <scope> <scope>…` at its word, and key inspection that fingerprints the PEM.
 */
export async function hostedApi(): Promise<{ api: ManagementApi; url: string; close: () => Promise<void> }> {
  const api = new ManagementApi<InspectedKey>({
    domain: "tenant.example.com",
    authenticate: async (authorization) => {
      const match = /^Bearer (.+)$/.exec(authorization ?? "");
      if (!match) throw missingAuthentication();
      return { clientId: "test", scopes: new Set(match[1]!.split(" ")), payload: {} };
    },
    inspectKey: async (pem) => {
      if (!pem.includes("PUBLIC KEY")) throw new Error("not a public key");
      return { thumbprint: Buffer.from(pem).toString("base64url").slice(0, 43) };
    },
  });
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.slice(api.basePath.length) || "/";
    const found = api.router.resolve(req.method ?? "GET", path);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (found.maxBodyBytes !== undefined && body.length > found.maxBodyBytes) throw new ManagementApiError(413, "too large");
    await found.handler({ req, res, url, origin: "http://127.0.0.1", params: found.params, body });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    api,
    url: `http://127.0.0.1:${port}${api.basePath}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A JSON call with a token holding `scopes`. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; scopes?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.scopes ?? "read:roles create:roles update:roles delete:roles read:resource_servers create:resource_servers update:resource_servers delete:resource_servers"}`,
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}
