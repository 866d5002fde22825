import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

describe("the Pulumi entry point", () => {
  it("loads the way `pulumi up` loads it: vendored ts-node 7, the project's TypeScript, type-checking on", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(__dirname, "support/load-like-pulumi.cjs"), root], {
      cwd: root,
    });
    expect(stdout).toContain("loaded index.ts; exports a function");
  });
});
