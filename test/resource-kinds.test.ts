import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { KINDS, KIND_NAMES } from "../src/kinds";
import { KIND_MODELS } from "../src/kinds/models";
import { KIND_SPECS } from "../src/kinds/specs";
import { RESOURCE_TYPES, type ResourceType } from "../src/model";
import { desiredState, tenantModel } from "../src/tenant/model";
import { planStack, PLAN_SECTIONS, renderPlanText, summarize, type Plan } from "../src/plan";
import { CHANGE_KINDS } from "../src/review/changes";
import { DETECTORS } from "../src/review/detectors";
import { RISK_RULES } from "../src/review/risk";
import { validateTenant } from "../src/tenant/load";

const projectRoot = path.resolve(__dirname, "..");
const root = path.join(projectRoot, "test/fixtures/acme"); // the acme example, not the user's own stacks
const types = Object.values(RESOURCE_TYPES) as ResourceType[];

/** The recipe: the "Adding a resource kind" section of docs/contributing.md, and the file paths it names. */
const recipe = (() => {
  const doc = readFileSync(path.join(projectRoot, "docs/contributing.md"), "utf8");
  const start = doc.indexOf("## Adding a resource kind");
  const text = doc.slice(start, doc.indexOf("\n## ", start + 1));
  const files = [...text.matchAll(/`((?:src|components|test)\/[A-Za-z0-9_./-]+\.ts)`/g)].map((m) => m[1]!);
  return { text, files: [...new Set(files)] };
})();

/** A plan of the acme example with one role added (the example's stacks are planned from disk as they are). */
async function planWithRoles(): Promise<Plan> {
  const r = await validateTenant(
    {
      apis: { "orders-api": { identifier: "https://orders.test", scopes: { "orders:read": "Read" } } },
      roles: { readers: { permissions: { "orders-api": ["orders:read"] } } },
    },
    { stack: "dev", now: new Date(), readFile: async () => undefined },
  );
  const model = tenantModel(r.spec!, {});
  return { project: "p", stack: "dev", spec: r.spec!, model, desired: desiredState(model), warnings: [] };
}

describe("the recipe in docs/contributing.md and the kind registry check each other", () => {
  it("every file the recipe names exists (for roles, the kind added through it)", () => {
    expect(recipe.files.length).toBeGreaterThan(20);
    expect(recipe.files.filter((f) => !existsSync(path.join(projectRoot, f)))).toEqual([]);
  });

  it("every file of a kind's module is in the recipe, and every piece of the Kind type is named in it", () => {
    const folder = path.join(projectRoot, "src/kinds/role");
    const files = readdirSync(folder).map((f) => `src/kinds/role/${f}`);
    expect(files.filter((f) => !recipe.files.includes(f))).toEqual([]);
    for (const piece of Object.keys(KINDS.role)) expect(recipe.text, piece).toContain(`**${piece}**`);
    expect(recipe.files).toContain("src/kinds/index.ts");
  });

  it("each kind has a folder under src/kinds holding its index, spec, model and review modules", () => {
    for (const k of KIND_NAMES)
      for (const file of ["index", "spec", "model", "review"])
        expect(existsSync(path.join(projectRoot, `src/kinds/${k}/${file}.ts`)), `${k}/${file}`).toBe(true);
  });

  it("the light registries hold the same spec and model objects as KINDS, in the same order", () => {
    expect(Object.keys(KIND_SPECS)).toEqual(KIND_NAMES);
    expect(Object.keys(KIND_MODELS)).toEqual(KIND_NAMES);
    for (const k of KIND_NAMES) {
      expect(KINDS[k].spec, k).toBe(KIND_SPECS[k]);
      expect(KINDS[k].model, k).toBe(KIND_MODELS[k]);
    }
  });
});

describe("the loader and the model builder loop over the registry", () => {
  it("every kind's stack file fields are read, its section is in the spec, and its components are in the model", async () => {
    const planned = await planStack(root, "dev");
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const { spec, model } = planned.plan;
    for (const k of KIND_NAMES) {
      const kind = KIND_SPECS[k];
      if ("section" in kind) expect(Object.keys(spec), k).toContain(kind.section);
      // an unknown field is reported with the allowed ones: every kind's envelope field is among them
      const r = await validateTenant({ apis: {}, nonsense: 1 }, { stack: "dev", now: new Date(), readFile: async () => undefined });
      for (const field of Object.keys(kind.envelope)) expect(r.errors.map((e) => e.message).join("\n"), k).toContain(field);
    }
    const components = KIND_NAMES.flatMap((k) => (KIND_MODELS[k].components as (m: typeof model) => unknown[])(model));
    expect(components.length).toBeGreaterThan(0);
    expect(desiredState(model).components.length).toBe(components.length + 1);
  });
});

/** Adding a resource kind is a recipe (above): this test fails until every step is done. */
describe.each(types)("resource type %s", (type) => {
  it("has a section in the text plan", async () => {
    const planned = await planStack(root, "dev");
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const plans = [planned.plan, await planWithRoles()];
    const texts = plans.map((p) => renderPlanText(summarize(p, new Date()), []).split("\n"));
    expect(PLAN_SECTIONS[type]).toBeDefined();
    const declaring = plans.findIndex((p) => p.desired.resources.some((r) => r.type === type));
    expect(declaring).toBeGreaterThanOrEqual(0);
    expect(texts[declaring]).toContain(PLAN_SECTIONS[type]);
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
