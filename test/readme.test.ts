import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../src/config/stack-file";
import { directoryReader } from "../src/config/files";
import { validateTenant } from "../src/spec";

const root = path.resolve(__dirname, "..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

describe("the README tells the truth", () => {
  it("its spec reference example is a valid tenant", async () => {
    const section = readme.slice(readme.indexOf("## The tenant spec"));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(yaml).toBeDefined();
    const config = parseStackConfig("auth0-tenant", "dev", yaml!);
    const result = await validateTenant(config.tenant, { stack: "dev", now: new Date(), readFile: directoryReader(root) });
    expect(result.errors).toEqual([]);
  });

  it("names the two set-up commands, and CI runs exactly the test command", () => {
    expect(readme).toContain("npm install && npm run plan");
    expect(readme).toContain("npm test");
    const ci = readFileSync(path.join(root, ".ci/run"), "utf8");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
  });
});
