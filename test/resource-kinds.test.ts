import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES, type ResourceType } from "../src/model";
import { planStack, PLAN_SECTIONS, renderPlanText, summarize } from "../src/plan";
import { CHANGE_KINDS } from "../src/review/changes";
import { DETECTORS } from "../src/review/detectors";
import { RISK_RULES } from "../src/review/risk";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks
const types = Object.values(RESOURCE_TYPES) as ResourceType[];

/** Adding a resource kind is a recipe (docs/contributing.md, "Adding a resource kind"): this test fails until every step is done. */
describe.each(types)("resource type %s", (type) => {
  it("has a section in the text plan", async () => {
    const planned = await planStack(root, "dev");
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const text = renderPlanText(summarize(planned.plan, new Date()), []);
    expect(PLAN_SECTIONS[type]).toBeDefined();
    expect(text.split("\n")).toContain(PLAN_SECTIONS[type]);
  });

  it("is covered by a review detector", () => {
    expect(DETECTORS.filter((d) => d.covers.includes(type)).length).toBeGreaterThan(0);
  });

  it("has change kinds, each with a risk rule", () => {
    const kinds = CHANGE_KINDS[type];
    expect(kinds.length).toBeGreaterThan(0);
    for (const kind of kinds) {
      expect(["high", "medium", "low", "info"]).toContain(RISK_RULES[kind]({ production: true }));
      expect(["high", "medium", "low", "info"]).toContain(RISK_RULES[kind]({ production: false }));
    }
  });
});
