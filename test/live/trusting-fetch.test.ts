import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLocalTls } from "../../src/local-tenant/tls";
import { trustingFetch } from "./support";

// The tests' fetch over node:https sends every body framed, as fetch does: a DELETE with a body (the SDK's
// roles.permissions.delete) reached the local tenant as a bodiless DELETE followed by garbage, answered 400 with no body.

let dir: string;
let origin: string;
let ca: string;
let close: () => Promise<void>;
const requestsOn = new WeakMap<object, number>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "trusting-fetch-"));
  const tls = await ensureLocalTls(dir);
  ca = tls.caPem;
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    // A kept-alive connection this server closes as it is reused: the second request on it gets no answer.
    const seen = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, seen);
    if (req.url === "/closes-reused" && seen > 1) return req.socket.destroy();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ method: req.method, body: Buffer.concat(chunks).toString("utf8") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(async () => {
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe("trustingFetch", () => {
  it("sends the body of every method, DELETE included, and the connection stays usable", async () => {
    const f = trustingFetch(ca);
    for (const method of ["DELETE", "POST", "PATCH", "DELETE"]) {
      const body = JSON.stringify({ permissions: [{ permission_name: "é", method }] });
      const r = await f(`${origin}/x`, { method, headers: { "content-type": "application/json" }, body });
      expect(r.status, method).toBe(200);
      expect(await r.json()).toEqual({ method, body });
    }
    const bare = await f(`${origin}/x`, { method: "GET" });
    expect(await bare.json()).toEqual({ method: "GET", body: "" });
  });

  it("sends a GET again, once, on a new connection when the server closed the kept-alive one as it was reused", async () => {
    const f = trustingFetch(ca);
    expect((await f(`${origin}/closes-reused`)).status).toBe(200);
    expect(await (await f(`${origin}/closes-reused`)).json()).toEqual({ method: "GET", body: "" });
  });

  it("does not send a POST again", async () => {
    const f = trustingFetch(ca);
    expect((await f(`${origin}/closes-reused`, { method: "POST", body: "{}" })).status).toBe(200);
    await expect(f(`${origin}/closes-reused`, { method: "POST", body: "{}" })).rejects.toMatchObject({ code: "ECONNRESET" });
  });
});
