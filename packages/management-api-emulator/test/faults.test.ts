import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, hostedApi } from "./host";

// Fault injection and the rate limiter (moved from test/local-tenant/management-api.test.ts: they are the
// emulator's own, whatever host serves it).

let h: Awaited<ReturnType<typeof hostedApi>>;
const READ = "read:clients read:client_grants read:resource_servers";
const get = (path: string) => call(h.url, "GET", path, { scopes: READ });
let clientId: string;
beforeAll(async () => {
  h = await hostedApi();
  clientId = (await h.api.store.clients.create({ name: "Billing" })).client_id;
});
afterAll(() => h?.close());

describe("fault injection and rate limits", () => {
  it("the next N requests to a path get a 429 with retry-after (or a 500); others are served", async () => {
    const fault = h.api.faults.add({ path: "/clients", status: 429, times: 2, retryAfter: 3 });
    const first = await get("/clients");
    expect(first.status).toBe(429);
    expect(first.body).toEqual({
      statusCode: 429,
      error: "Too Many Requests",
      message: "Global limit has been reached",
      errorCode: "too_many_requests",
    });
    expect(first.headers.get("retry-after")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 2);
    expect((await get(`/clients/${clientId}`)).status).toBe(200); // another path
    expect((await get("/clients")).status).toBe(429);
    expect((await get("/clients")).status).toBe(200);
    expect(fault).toMatchObject({ hits: 2, remaining: 0 });

    h.api.faults.add({ method: "GET", path: /^\/api\/v2\/client-grants/, status: 500 });
    const failed = await get("/client-grants");
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ statusCode: 500, error: "Internal Server Error", message: "An internal server error occurred" });
    expect(h.api.requests.slice(-2).map((r) => [r.method, r.path, r.status])).toEqual([
      ["GET", "/api/v2/clients", 200],
      ["GET", "/api/v2/client-grants", 500],
    ]);
  });

  it("every response carries x-ratelimit-*; with enforcement on, requests past the limit get 429 and retry-after", async () => {
    const r = await get("/resource-servers");
    expect(r.headers.get("x-ratelimit-limit")).toBe("50");
    expect(Number(r.headers.get("x-ratelimit-remaining"))).toBeLessThan(50);
    expect(Number(r.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    Object.assign(h.api.rateLimit, { enforce: true, limit: 2, windowSeconds: 60 });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get("/resource-servers")).status);
      expect(statuses.slice(-1)).toEqual([429]);
      const limited = await get("/resource-servers");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // The limit is the tenant's, whatever the path: an unknown path is refused too.
      expect((await get("/no-such-collection")).status).toBe(429);
    } finally {
      Object.assign(h.api.rateLimit, { enforce: false, limit: 50, windowSeconds: 1 });
    }
  });
});
