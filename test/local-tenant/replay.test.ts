import { describe, expect, it } from "vitest";
import { JtiCache } from "../../src/local-tenant/replay";

describe("the jti replay cache", () => {
  it("refuses a jti until the assertion's exp, per client", () => {
    const cache = new JtiCache();
    const t = 1_000_000_000_000;
    expect(cache.use("a", "j1", t / 1000 + 60, t)).toBe(true);
    expect(cache.use("a", "j1", t / 1000 + 60, t + 1000)).toBe(false);
    expect(cache.use("b", "j1", t / 1000 + 60, t + 1000)).toBe(true);
  });

  it("forgets entries after their exp, so memory follows the assertions still alive", () => {
    const cache = new JtiCache(1000);
    const t = 1_000_000_000_000;
    for (let i = 0; i < 10_000; i++) cache.use("a", `j${i}`, t / 1000 + 60, t);
    expect(cache.size).toBe(10_000);
    cache.use("a", "late", t / 1000 + 400, t + 61_000); // the next use after exp sweeps
    expect(cache.size).toBe(1);
  });
});
