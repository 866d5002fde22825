import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planFromConfig, planJson, planJsonPieces, planStack, renderPlanText, summarize } from "../src/plan";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks
const NOW = new Date("2026-11-22T12:00:00Z");

/**
 * The example stacks' plans, byte for byte, against committed files: a refactoring that changes what would be
 * deployed fails here. When a change is intended, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/golden-plan.test.ts`
 * and review the diff of test/golden/ in the pull request.
 */
describe.each(["dev", "prod"])("stack %s", (stack) => {
  it("plans exactly as the committed golden files say (JSON and text)", async () => {
    const planned = await planStack(root, stack, NOW);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const files = {
      [`plan-${stack}.json`]: JSON.stringify(planJson(planned.plan, NOW), null, 2) + "\n",
      [`plan-${stack}.txt`]: renderPlanText(summarize(planned.plan, NOW), planned.plan.warnings) + "\n",
    };
    for (const [file, text] of Object.entries(files)) {
      const at = path.join(__dirname, "golden", file);
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(at, text);
      expect(text, file).toBe(readFileSync(at, "utf8"));
    }
  });
});

describe("the JSON plan printed in pieces (what `plan --json` writes to a pipe or a file)", () => {
  it.each([
    ["dev, one resource a piece", "dev", 1],
    ["dev, pieces that do not divide the resources", "dev", 4],
    ["prod, all in one piece", "prod", 1000],
  ])("%s: the pieces join to exactly the whole plan's JSON", async (_, stack, perPiece) => {
    const planned = await planStack(root, stack, NOW);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const pieces = [...planJsonPieces(planned.plan, NOW, perPiece)];
    expect(pieces.length).toBe(Math.ceil(planned.plan.desired.resources.length / perPiece) + 2);
    expect(pieces.join("")).toBe(JSON.stringify(planJson(planned.plan, NOW)));
  });

  it("a tenant emptied on purpose (no resources) prints an empty list", async () => {
    const config = { project: "auth0-tenant", stack: "dev", tenant: { allowEmpty: true }, values: {} };
    const planned = await planFromConfig(config, async () => undefined, NOW);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const text = [...planJsonPieces(planned.plan, NOW)].join("");
    expect(text).toBe(JSON.stringify(planJson(planned.plan, NOW)));
    expect(JSON.parse(text).resources).toEqual([]);
  });
});
