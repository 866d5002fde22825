import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OAuthError } from "../../src/local-tenant/errors";
import { Router, sendJson } from "../../src/local-tenant/router";

let server: Server;
let base: string;

beforeAll(async () => {
  const api = new Router()
    .get("/clients/:id", ({ res, params }) => sendJson(res, 200, { client_id: params.id }))
    .on("PATCH", "/clients/:id", ({ res, params, body }) => sendJson(res, 200, { client_id: params.id, body: JSON.parse(body) }), {
      maxBodyBytes: 100,
    });
  const root = new Router()
    .get("/hello", ({ res, origin }) => sendJson(res, 200, { origin }))
    .get("/teapot", () => {
      throw new OAuthError(418, "teapot", "short and stout");
    })
    .get("/boom", () => {
      throw new Error("kaput");
    })
    .mount("/api/v2", api);
  server = createServer((req, res) => void root.handle(req, res, "http://localhost:1"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const call = async (path: string, init?: RequestInit) => {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, allow: res.headers.get("allow"), body: (await res.text()) || undefined };
};

describe("the local tenant's router", () => {
  it("mounts sub-routers under a prefix, with :param segments and per-route body limits", async () => {
    expect(await call("/api/v2/clients/abc%20d")).toMatchObject({ status: 200, body: '{"client_id":"abc d"}' });
    expect(await call("/api/v2/clients/x", { method: "PATCH", body: '{"name":"n"}' })).toMatchObject({
      status: 200,
      body: '{"client_id":"x","body":{"name":"n"}}',
    });
    const big = await call("/api/v2/clients/x", { method: "PATCH", body: JSON.stringify({ name: "n".repeat(200) }) });
    expect(big.status).toBe(413);
    expect(await call("/api/v2/clients/x", { method: "DELETE" })).toMatchObject({ status: 405, allow: "GET, PATCH, HEAD" });
    expect(await call("/api/v2/nothing")).toMatchObject({ status: 404 });
  });

  it("answers HEAD from the GET handler, errors as JSON", async () => {
    expect(await call("/hello", { method: "HEAD" })).toEqual({ status: 200, allow: null, body: undefined });
    expect(await call("/hello")).toMatchObject({ body: '{"origin":"http://localhost:1"}' });
    expect(await call("/teapot")).toMatchObject({ status: 418, body: '{"error":"teapot","error_description":"short and stout"}' });
    expect(await call("/boom")).toMatchObject({ status: 500, body: '{"error":"server_error","error_description":"kaput"}' });
  });

  it("refuses a route registered twice", () => {
    expect(() => new Router().get("/a", () => {}).get("/a", () => {})).toThrow("GET /a is already routed");
  });
});
