#!/usr/bin/env node
// The `auth0-tenant` executable (package.json "bin"). It runs the TypeScript CLI compiled into one file, kept in
// node_modules/.cache/auth0-tenant/ under the hash of every source file, so an edited source is always recompiled
// and a command does not pay for loading a hundred modules through a TypeScript loader on every run.
// AUTH0_TENANT_FROM_SOURCE=1 runs the sources through tsx instead (stack traces with TypeScript lines).
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import nodeModule, { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["cli", "src", "components", "packages"];
/**
 * Files and folders the bundle loads by path at run time, copied beside it (the action runner's folder, the key
 * inspector's workers and the key file reader's worker are started by path).
 */
const BESIDE = ["src/actions/runner", "src/spec/key-inspector.cjs", "src/config/project-file.cjs"];

/**
 * Every source file under SOURCE_DIRS, in a fixed order, as paths relative to the root. Paths are joined by hand:
 * names read from a directory need no normalising, which path.join spends most of its time on.
 */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    const entries = readdirSync(`${root}${path.sep}${dir}`, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const entry of entries) {
      const rel = `${dir}${path.sep}${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(rel);
      } else if (entry.isFile()) files.push(rel);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return files;
}

/**
 * Packages of many files that the bundle loads from one file each, built into the cache (vendor-<hash>/<name>.cjs, a
 * folder per package, named after what is installed): loaded from node_modules, each file of a package costs a path
 * resolution, a read and a compile. Pure JavaScript packages that read none of their own files at run time.
 */
const VENDORED = ["auth0", "commander", "jose", "js-yaml", "zod"];

/** The version of a package installed at the top of node_modules, else null (the build resolves it or fails). */
function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(`${root}${path.sep}node_modules${path.sep}${name}${path.sep}package.json`, "utf8")).version;
  } catch {
    return null;
  }
}

/**
 * The tools that build and run the bundle, the installed versions of the vendored packages, and npm's record of what
 * is installed (node_modules/.package-lock.json, rewritten by every install): an update of a package that a vendored
 * one bundles, its own version unchanged, is built in too.
 */
function toolVersions() {
  const vendored = Object.fromEntries(VENDORED.map((name) => [name, installedVersion(name)]));
  let installed = null;
  try {
    const s = statSync(`${root}${path.sep}node_modules${path.sep}.package-lock.json`, { bigint: true });
    installed = `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
  } catch {
    // installed by another tool: the versions above only
  }
  return { node: process.versions.node, esbuild: installedVersion("esbuild"), vendored, installed };
}

/** The cache folder of a vendored package's file: named after what it is built from. */
const vendorFolder = (tools, name) =>
  `vendor-${createHash("sha256")
    .update(JSON.stringify([tools.node, tools.esbuild, tools.installed, name, tools.vendored[name]]))
    .digest("hex")
    .slice(0, 16)}`;

/** What the bundle is built from, besides the sources: the version compiled in, and the tools and packages above. */
function buildInputs(tools) {
  return `${readFileSync(path.join(root, "package.json"), "utf8")}\0${JSON.stringify(tools)}`;
}

/** The hash of every source file's path and content, and of the build inputs: the name of the bundle built from them. */
function contentHash(files, inputs) {
  const hash = createHash("sha256");
  for (const rel of files)
    hash
      .update(`${rel}\0`)
      .update(readFileSync(`${root}${path.sep}${rel}`))
      .update("\0");
  return hash.update(inputs).digest("hex").slice(0, 16);
}

/**
 * contentHash() without reading every source on every start: the content hash is kept with a fingerprint of the files'
 * metadata (path, size, modification and change times, inode), and read back while the fingerprint is unchanged.
 * Any write to a file moves its change time (ctime, which no API sets back), so an edited source always misses here
 * and is hashed by content.
 */
function sourceHash(cache, tools) {
  const files = sourceFiles();
  const inputs = buildInputs(tools);
  const stats = createHash("sha256").update(root).update("\0").update(inputs);
  for (const rel of files) {
    const s = statSync(`${root}${path.sep}${rel}`, { bigint: true });
    stats.update(`${rel}\0${s.size}\0${s.mtimeNs}\0${s.ctimeNs}\0${s.ino}\0`);
  }
  const fingerprint = stats.digest("hex");
  const memo = path.join(cache, `sources-${createHash("sha256").update(root).digest("hex").slice(0, 16)}.json`);
  try {
    const kept = JSON.parse(readFileSync(memo, "utf8"));
    if (kept.fingerprint === fingerprint && /^[0-9a-f]{16}$/.test(kept.hash)) return kept.hash;
  } catch {
    // none kept yet, or unreadable: hashed below
  }
  const hash = contentHash(files, inputs);
  try {
    mkdirSync(cache, { recursive: true });
    const tmp = `${memo}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ fingerprint, hash }));
    renameSync(tmp, memo);
  } catch {
    // a read-only cache: hashed by content again next time
  }
  return hash;
}

/**
 * The workspace packages (packages/*) are TypeScript sources: bundled from their "exports", where every other package
 * is left to node_modules.
 */
const workspacePackages = {
  name: "workspace-packages",
  setup(build) {
    const packages = new Map(
      readdirSync(path.join(root, "packages")).map((dir) => {
        const manifest = JSON.parse(readFileSync(path.join(root, "packages", dir, "package.json"), "utf8"));
        return [manifest.name, { dir: path.join(root, "packages", dir), exports: manifest.exports }];
      }),
    );
    build.onResolve({ filter: /^@auth0-tenant\// }, (args) => {
      const name = args.path.split("/").slice(0, 2).join("/");
      const found = packages.get(name);
      const target = found?.exports[`.${args.path.slice(name.length)}`];
      return target ? { path: path.join(found.dir, target) } : undefined;
    });
  },
};

/** Imports of a vendored package resolve to its file in its vendor folder, a sibling of the bundle's folder. */
const vendoredPackages = (tools) => ({
  name: "vendored-packages",
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${VENDORED.join("|")})$`) }, (args) => ({
      path: `../${vendorFolder(tools, args.path)}/${args.path}.cjs`,
      external: true,
    }));
  },
});

const TARGET = `node${process.versions.node.split(".")[0]}`;

/** Builds the vendored packages not built yet: each into one CommonJS file with the exports `require(name)` gives. */
async function buildVendored(cache, tools) {
  const missing = VENDORED.filter((name) => !existsSync(path.join(cache, vendorFolder(tools, name))));
  if (missing.length === 0) return;
  const { build } = await import("esbuild");
  await Promise.all(
    missing.map(async (name) => {
      const dir = path.join(cache, vendorFolder(tools, name));
      const tmp = `${dir}.${process.pid}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      await build({
        stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, sourcefile: `${name}.cjs` },
        bundle: true,
        platform: "node",
        format: "cjs",
        target: TARGET,
        outfile: path.join(tmp, `${name}.cjs`),
        logLevel: "error",
      });
      try {
        renameSync(tmp, dir);
      } catch {
        rmSync(tmp, { recursive: true, force: true }); // built by a concurrent run first, with the same file
      }
    }),
  );
}

async function compiled() {
  const cache = path.join(root, "node_modules", ".cache", "auth0-tenant");
  const tools = toolVersions();
  await buildVendored(cache, tools);
  const dir = path.join(cache, `cli-${sourceHash(cache, tools)}`);
  const entry = path.join(dir, "main.cjs");
  if (existsSync(entry)) return entry;
  const { build } = await import("esbuild");
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(root, "cli/main.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: TARGET,
    packages: "external", // resolved from the project's node_modules at run time, but for the vendored ones
    plugins: [workspacePackages, vendoredPackages(tools)],
    outfile: path.join(tmp, "main.cjs"),
    logLevel: "error",
  });
  for (const file of BESIDE) cpSync(path.join(root, file), path.join(tmp, path.basename(file)), { recursive: true });
  mkdirSync(cache, { recursive: true });
  // Builds of older sources go once nothing can still be running from them; a concurrent run that built the same
  // sources first wins the rename below, with the same files.
  const vendored = new Set(VENDORED.map((name) => vendorFolder(tools, name)));
  for (const old of readdirSync(cache)) {
    const at = path.join(cache, old);
    const built = old.startsWith("cli-") || old.startsWith("sources-") || (old.startsWith("vendor-") && !vendored.has(old));
    if (built && Date.now() - statSync(at).mtimeMs > 3_600_000) rmSync(at, { recursive: true, force: true });
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return entry;
}

let cli;
if (process.env.AUTH0_TENANT_FROM_SOURCE === "1") {
  await import("tsx");
  cli = await import("../cli/main.ts");
} else {
  const entry = await compiled();
  // V8's compiled code of the bundle and of the packages it loads, kept beside the bundle (and removed with it) for
  // the next run (Node >= 22.8; a no-op before). Node checks each entry against its file's content;
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off, as a cold benchmark needs.
  nodeModule.enableCompileCache?.(path.join(path.dirname(entry), "compile-cache"));
  cli = createRequire(import.meta.url)(entry);
}
(cli.main ?? cli.default.main)();
