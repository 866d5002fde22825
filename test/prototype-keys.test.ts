import { afterEach, describe, expect, it, vi } from "vitest";
import { parseStackConfig } from "../src/config/stack-file";
import { parseYaml } from "../src/config/yaml";
import { prototypeKeys } from "../src/dict";

/** How many objects the walk put in a visited set (each one given an identity hash). */
function visitedSetAdds(value: unknown): { found: (string | number)[][]; adds: number } {
  const add = vi.spyOn(Set.prototype, "add");
  try {
    const found = prototypeKeys(value);
    return { found, adds: add.mock.calls.filter(([v]) => typeof v === "object" && v !== null).length };
  } finally {
    add.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("__proto__ keys in parsed documents", () => {
  it("a YAML document without anchors shares no node: walked without a visited set, every key still found", () => {
    const doc = parseYaml("apis:\n  a:\n    __proto__: x\napplications:\n  - b:\n      __proto__:\n        c: 1\n", "tenant.yaml");
    const { found, adds } = visitedSetAdds(doc);
    expect(found).toEqual([
      ["apis", "a", "__proto__"],
      ["applications", 0, "b", "__proto__"],
    ]);
    expect(adds).toBe(0);
  });

  it("the tenant spec of a stack file without anchors is a tree too", () => {
    const config = parseStackConfig("p", "dev", "config:\n  p:tenant:\n    apis:\n      __proto__: {}\n");
    const { found, adds } = visitedSetAdds(config.tenant);
    expect(found).toEqual([["apis", "__proto__"]]);
    expect(adds).toBe(0);
  });

  it("a node shared through YAML aliases is walked once", () => {
    const doc = parseYaml("shared: &s\n  __proto__: x\n  deep: [1, 2]\nuses: [*s, *s, *s]\n", "tenant.yaml");
    const { found, adds } = visitedSetAdds(doc);
    expect(found).toEqual([["shared", "__proto__"]]);
    expect(adds).toBeGreaterThan(0);
  });

  it("an `&` only inside a string is treated as a possible anchor (the visited set is kept)", () => {
    const doc = parseYaml("callbacks:\n  - https://a.example/cb?x=1&y=2\n__proto__: {}\n", "tenant.yaml");
    const { found, adds } = visitedSetAdds(doc);
    expect(found).toEqual([["__proto__"]]);
    expect(adds).toBeGreaterThan(0);
  });

  it("a value built in code, even a cyclic one, is walked once per node", () => {
    const node: Record<string, unknown> = { leaf: 1 };
    node.self = node;
    Object.defineProperty(node, "__proto__", { value: {}, enumerable: true });
    expect(prototypeKeys({ a: node, b: [node] })).toEqual([["a", "__proto__"]]);
  });
});
