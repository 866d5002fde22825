import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/stack-file";
import { directoryReader } from "../src/config/files";
import { validateTenant } from "../src/tenant/load";

const root = path.resolve(__dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const acme = path.join(root, "test/fixtures/acme");

describe("the README tells the truth", () => {
  it("the spec reference's example (docs/spec.md) is a valid tenant, with the acme example's keys and actions", async () => {
    const spec = readFileSync(path.join(root, "docs/spec.md"), "utf8");
    const yaml = /```yaml\n([\s\S]*?)```/.exec(spec)?.[1];
    expect(yaml).toBeDefined();
    const config = parseStackConfig("auth0-tenant", "dev", yaml!);
    const result = await validateTenant(config.tenant, { stack: "dev", now: new Date(), readFile: directoryReader(acme) });
    expect(result.errors).toEqual([]);
  });

  it("is a front page (at most 200 lines) naming the two set-up commands, and CI runs exactly the test command", () => {
    expect(readme).toContain("npm install && npm run plan");
    expect(readme).toContain("npm test");
    expect(readme.split("\n").length).toBeLessThanOrEqual(200);
    const ci = readFileSync(path.join(root, ".ci/run"), "utf8");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
