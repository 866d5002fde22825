import { describe, expect, it } from "vitest";
import { JtiCache } from "../../src/local-tenant/replay";

describe("the jti replay cache", () => {
  it("refuses a jti until the assertion's exp, per client", () => {
    const cache = new JtiCache();
    const t = 1_000_000_000_000;
    expect(cache.use("a", "j1", t / 1000 + 60, t)).toBe("ok");
    expect(cache.use("a", "j1", t / 1000 + 60, t + 1000)).toBe("used");
    expect(cache.use("b", "j1", t / 1000 + 60, t + 1000)).toBe("ok");
  });

  it("forgets entries after their exp, so memory follows the assertions still alive", () => {
    const cache = new JtiCache(1000);
    const t = 1_000_000_000_000;
    for (let i = 0; i < 10_000; i++) cache.use("a", `j${i}`, t / 1000 + 60, t);
    expect(cache.size).toBe(10_000);
    cache.use("a", "late", t / 1000 + 400, t + 61_000); // the next use after exp sweeps
    expect(cache.size).toBe(1);
  });

  it("is bounded: when full of live entries it refuses new ones rather than forget one (which would allow a replay)", () => {
    const cache = new JtiCache(1000, 3);
    const t = 1_000_000_000_000;
    for (const j of ["a", "b", "c"]) expect(cache.use("x", j, t / 1000 + 60, t)).toBe("ok");
    expect(cache.use("x", "d", t / 1000 + 60, t)).toBe("full");
    expect(cache.use("x", "a", t / 1000 + 60, t)).toBe("used");
    expect(cache.use("x", "d", t / 1000 + 60, t + 61_000)).toBe("ok");
  });
});
