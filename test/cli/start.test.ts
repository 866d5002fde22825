import { execFile } from "node:child_process";
import nodeModule from "node:module";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const preload = path.join(__dirname, "start-report.cjs");
/** The real executable, as a user runs it (the compiled CLI). */
const bin = path.join(root, "cli/auth0-tenant.mjs");

/** What a node process started with `nodeArgs` loaded, and the compile cache directory it used. */
async function startReport(nodeArgs: string[], env: NodeJS.ProcessEnv = {}): Promise<{ packages: string[]; compileCache: string | null }> {
  const { stderr } = await promisify(execFile)(process.execPath, ["-r", preload, ...nodeArgs], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  const packages = /^LOADED_PACKAGES=(.*)$/m.exec(stderr);
  const compileCache = /^COMPILE_CACHE_DIR=(.*)$/m.exec(stderr);
  expect(packages && compileCache, stderr).toBeTruthy();
  return { packages: JSON.parse(packages![1]!) as string[], compileCache: JSON.parse(compileCache![1]!) as string | null };
}

/**
 * Every command is registered at every start, so what registration loads, every command pays for: a command's
 * implementation and the packages it needs (zod, js-yaml, jose, esbuild, the auth0 SDK, …) load when that command runs.
 */
describe("the executable loads only what the command run needs", () => {
  it("the help of every command and the completion script load commander and the colours only", async () => {
    for (const args of [["--help"], ["help", "keys", "rotate"], ["completion", "bash"]])
      expect((await startReport([bin, ...args])).packages, args.join(" ")).toEqual(["commander", "picocolors"]);
  });

  it("the probe sees a package that is loaded", async () => {
    expect((await startReport(["-e", 'require("zod")'])).packages).toEqual(["zod"]);
  });
});

describe.skipIf(!("enableCompileCache" in nodeModule))("the compile cache (Node >= 22.8)", () => {
  it("is kept beside the compiled CLI, in the project's node_modules/.cache, and NODE_DISABLE_COMPILE_CACHE=1 turns it off", async () => {
    const { compileCache } = await startReport([bin, "--version"]);
    expect(path.relative(path.join(root, "node_modules/.cache/auth0-tenant"), compileCache ?? "")).toMatch(
      /^cli-[0-9a-f]{16}[\\/]compile-cache([\\/]|$)/,
    );
    expect((await startReport([bin, "--version"], { NODE_DISABLE_COMPILE_CACHE: "1" })).compileCache).toBeNull();
  });
});
