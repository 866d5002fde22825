import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { assertNodeCanRequireEsm } from "../src/node-support";

const root = path.resolve(__dirname, "..");
const load = (nodeFlags: string[] = [], loaderFlags: string[] = []) =>
  promisify(execFile)(process.execPath, [...nodeFlags, path.join(__dirname, "support/load-like-pulumi.cjs"), root, ...loaderFlags], {
    cwd: root,
  });

describe("the Pulumi entry point", () => {
  // Over 5 s: ts-node 7 type-checks the whole program with the project's TypeScript in a fresh process, as `pulumi up`
  // does; a faster loader would not be the one Pulumi uses.
  it("loads the way `pulumi up` loads it (vendored ts-node 7, the project's TypeScript, type-checking on), program and jose included", async () => {
    const { stdout } = await load();
    expect(stdout).toContain("loaded index.ts; exports a function");
    // Past the Node check and every require (jose is an ES module), the program stops only for want of stack config.
    expect(stdout).toContain('program: Pulumi.stack.yaml: config key "project:tenant" is missing');
    expect(stdout).not.toContain("ERR_REQUIRE_ESM");
  });

  it("on a Node that cannot require() ES modules (21, 22.0–22.11) it says which Node it needs instead of ERR_REQUIRE_ESM", async () => {
    // The check runs before the program imports anything, whether ts-node type-checks or not; the test above is the
    // one that type-checks as Pulumi does.
    const { stdout } = await load(["--no-experimental-require-module"], ["--transpile-only"]);
    expect(stdout).toContain("program: auth0-tenant needs Node ^20.19.0 || >=22.12.0");
    expect(stdout).not.toContain("ERR_REQUIRE_ESM");
  });

  it("the check reads process.features.require_module", () => {
    expect(() => assertNodeCanRequireEsm({ require_module: true }, "v22.12.0")).not.toThrow();
    expect(() => assertNodeCanRequireEsm({}, "v22.11.0")).toThrow(/needs Node \^20\.19\.0 \|\| >=22\.12\.0 .* this is Node v22\.11\.0/);
  });
});
