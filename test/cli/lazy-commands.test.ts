import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const preload = path.join(__dirname, "loaded-packages.cjs");
/** The real executable, as a user runs it (the compiled CLI). */
const bin = path.join(root, "cli/auth0-tenant.mjs");

/** The packages a node process started with `nodeArgs` loads. */
async function packagesLoadedBy(nodeArgs: string[]): Promise<string[]> {
  const { stderr } = await promisify(execFile)(process.execPath, ["-r", preload, ...nodeArgs], { cwd: root });
  const line = /^LOADED_PACKAGES=(.*)$/m.exec(stderr);
  expect(line, stderr).not.toBeNull();
  return JSON.parse(line![1]!) as string[];
}

/**
 * Every command is registered at every start, so what registration loads, every command pays for: a command's
 * implementation and the packages it needs (zod, js-yaml, jose, esbuild, the auth0 SDK, …) load when that command runs.
 */
describe("the executable loads only what the command run needs", () => {
  it("the help of every command and the completion script load commander and the colours only", async () => {
    for (const args of [["--help"], ["help", "keys", "rotate"], ["completion", "bash"]])
      expect(await packagesLoadedBy([bin, ...args]), args.join(" ")).toEqual(["commander", "picocolors"]);
  });

  it("the probe sees a package that is loaded", async () => {
    expect(await packagesLoadedBy(["-e", 'require("zod")'])).toEqual(["zod"]);
  });
});
