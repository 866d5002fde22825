import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import nodeModule from "node:module";
import { tmpdir } from "node:os";
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

describe("the packages the executable builds into one file each", () => {
  // Over 5 s: the CLI and its vendored packages are built in a cache of their own, then again after each of two
  // installs, as on a user's first run and first run after an install.
  it("are built from what is installed: an update of one is in the next run", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "vendored-"));
    try {
      for (const dir of ["cli", "src", "components", "packages"]) cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
      cpSync(path.join(root, "package.json"), path.join(copy, "package.json"));
      // A node_modules of its own (the cache lives in it): the packages linked, js-yaml and npm's record of the install
      // copied so that they can be updated.
      mkdirSync(path.join(copy, "node_modules"));
      const copied = [".package-lock.json", "js-yaml"];
      for (const name of copied) cpSync(path.join(root, "node_modules", name), path.join(copy, "node_modules", name), { recursive: true });
      for (const name of readdirSync(path.join(root, "node_modules")))
        if (name !== ".cache" && !copied.includes(name))
          symlinkSync(path.join(root, "node_modules", name), path.join(copy, "node_modules", name));
      const yaml = path.join(copy, "node_modules/js-yaml");
      const version = () => promisify(execFile)(process.execPath, [path.join(copy, "cli/auth0-tenant.mjs"), "--version"], { cwd: copy });
      await version();
      const marker = `updated ${Date.now()}`;
      writeFileSync(
        path.join(yaml, "index.js"),
        `${readFileSync(path.join(yaml, "index.js"), "utf8")}\nmodule.exports.updated = ${JSON.stringify(marker)};\n`,
      );
      const manifest = JSON.parse(readFileSync(path.join(yaml, "package.json"), "utf8")) as { version: string };
      writeFileSync(path.join(yaml, "package.json"), JSON.stringify({ ...manifest, version: `${manifest.version}-updated` }));
      await version();
      const cache = path.join(copy, "node_modules/.cache/auth0-tenant");
      const yamlFile = (d: string) => path.join(cache, d, "js-yaml.cjs");
      const builtWith = (text: string) =>
        readdirSync(cache).filter(
          (d) => d.startsWith("vendor-") && existsSync(yamlFile(d)) && readFileSync(yamlFile(d), "utf8").includes(text),
        );
      const updated = builtWith(marker);
      expect(updated).toHaveLength(1);
      const bundles = readdirSync(cache).filter((d) => d.startsWith("cli-"));
      expect(bundles.some((d) => readFileSync(path.join(cache, d, "main.cjs"), "utf8").includes(`../${updated[0]}/js-yaml.cjs`))).toBe(
        true,
      );
      // A package that a vendored one bundles, updated while the vendored one keeps its version (js-yaml's own file
      // stands in for it): npm rewrites its record of the install, and the next run builds it in.
      const inner = `inner ${Date.now()}`;
      const loader = path.join(yaml, "lib/loader.js");
      writeFileSync(loader, `${readFileSync(loader, "utf8")}\nmodule.exports.inner = ${JSON.stringify(inner)};\n`);
      const record = path.join(copy, "node_modules/.package-lock.json");
      writeFileSync(record, `${readFileSync(record, "utf8")}\n`);
      await version();
      expect(builtWith(inner)).toHaveLength(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
