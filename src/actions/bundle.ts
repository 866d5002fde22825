import { readFile as fsReadFile, realpath, stat } from "node:fs/promises";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { build, type ImportKind, type Loader, type Metafile, type Plugin } from "esbuild";
import { sha256 } from "./sandbox";
import type { ActionRuntime } from "../spec/triggers";

export interface Bundle {
  code: string;
  sha256: string;
  bytes: number;
}

import { BundleError, ProjectFileError } from "../errors";

export { BundleError };

/** The first line of every bundle: the claims its spec declares, so policies can check them on real previews. */
export const CLAIMS_BANNER = "/* auth0-tenant:claims ";

export function declaredClaimsOf(code: string): { name: string; tokens: string[] }[] | undefined {
  if (!code.startsWith(CLAIMS_BANNER)) return undefined;
  const end = code.indexOf(" */");
  try {
    return JSON.parse(code.slice(CLAIMS_BANNER.length, end)) as { name: string; tokens: string[] }[];
  } catch {
    return undefined;
  }
}

export type FileReader = (relativePath: string) => Promise<string | undefined>;

const NAMESPACE = "project";
/** Files of installed packages, by their real path relative to the project (node_modules/…). */
const PACKAGES = "package";
const ACTIONS_DIR = "actions/";
const builtins = new Set(builtinModules);
const EXTENSIONS = ["", ".ts", ".js", "/index.ts", "/index.js"];
const PACKAGE_FILE_SUFFIXES = ["", ".js", ".json", ".cjs", ".mjs", "/index.js", "/index.json"];
const LOADERS: Record<string, Loader> = {
  ".js": "js",
  ".cjs": "js",
  ".mjs": "js",
  ".json": "json",
  ".ts": "ts",
  ".cts": "ts",
  ".mts": "ts",
};
const ALLOWED = "only files under actions/, Node built-ins and declared dependencies can be bundled";
const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

const isBuiltin = (specifier: string) => {
  const bare = specifier.replace(/^node:/, "");
  return builtins.has(bare) || builtins.has(bare.split("/")[0]!);
};
const isRelative = (specifier: string) =>
  specifier === "." || specifier === ".." || specifier.startsWith("./") || specifier.startsWith("../");
const isAbsolute = (specifier: string) => specifier.startsWith("/") || specifier.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(specifier);
const packageNameOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
const inside = (dir: string, file: string) => file.startsWith(dir + path.sep);

async function statOrUndefined(p: string) {
  try {
    return await stat(p);
  } catch {
    return undefined;
  }
}

async function realOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/** The dependencies the project's package.json declares (read through the same reader as the sources). */
async function declaredDependencies(readFile: FileReader): Promise<Set<string>> {
  try {
    const text = await readFile("package.json");
    const deps = text === undefined ? undefined : (JSON.parse(text) as { dependencies?: unknown }).dependencies;
    return new Set(deps && typeof deps === "object" ? Object.keys(deps) : []);
  } catch {
    return new Set();
  }
}

/** Resolves a package.json `exports` / `imports` entry for the conditions in force (Node's algorithm, without legacy folder mappings). */
function conditionalTarget(target: unknown, conditions: Set<string>, star: string): string | undefined {
  if (typeof target === "string") return target.replace(/\*/g, star);
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = conditionalTarget(t, conditions, star);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (target && typeof target === "object") {
    for (const [key, value] of Object.entries(target)) {
      if (!conditions.has(key)) continue;
      const r = conditionalTarget(value, conditions, star);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

function mappedTarget(map: unknown, key: string, conditions: Set<string>): string | undefined {
  const entries =
    map && typeof map === "object" && !Array.isArray(map) && Object.keys(map).some((k) => k.startsWith(".") || k.startsWith("#"))
      ? (map as Record<string, unknown>)
      : { ".": map };
  if (Object.prototype.hasOwnProperty.call(entries, key)) return conditionalTarget(entries[key], conditions, "");
  let best: [string, string] | undefined;
  for (const pattern of Object.keys(entries)) {
    const at = pattern.indexOf("*");
    if (at < 0) continue;
    const [prefix, suffix] = [pattern.slice(0, at), pattern.slice(at + 1)];
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= pattern.length - 1 && (!best || prefix.length > best[0].length))
      best = [prefix, pattern];
  }
  if (!best) return undefined;
  const pattern = best[1];
  const at = pattern.indexOf("*");
  return conditionalTarget(entries[pattern], conditions, key.slice(at, key.length - (pattern.length - at - 1)));
}

/**
 * Confines what a bundle may contain: every import goes through this plugin, and esbuild itself reads no file.
 * The action's own sources (files under actions/, by normalised relative imports) are read through the spec's file
 * reader (a working tree or a git revision), so a revision can be bundled without a checkout. Node built-ins stay
 * external. npm packages are bundled only when package.json declares them under `dependencies`; they are resolved
 * here (Node's algorithm: exports/imports with the node, require/import, module and default conditions, main,
 * index files) and every file must really be, after following symbolic links, inside `<project>/node_modules`;
 * their own imports stay there too. Anything else is an error naming the import and the file that imports it.
 */
function confinedImports(readFile: FileReader, root: string): Plugin {
  const contents = new Map<string, string>();
  const modules = path.join(root, "node_modules");
  let dependencies: Promise<Set<string>> | undefined;
  const probe = async (candidate: string) => {
    for (const ext of EXTENSIONS) {
      const p = path.posix.normalize(candidate + ext);
      if (!p.startsWith(ACTIONS_DIR)) return undefined;
      if (contents.has(p)) return p;
      let text: string | undefined;
      try {
        text = await readFile(p);
      } catch (e) {
        // outside the project through a symbolic link, or not a regular file: not there, as far as bundling goes
        if (!(e instanceof ProjectFileError)) throw e;
      }
      if (text !== undefined) {
        contents.set(p, text);
        return p;
      }
    }
    return undefined;
  };
  type Resolved = { path: string; namespace: string } | { errors: { text: string }[] };
  const refuse = (importer: string, specifier: string, why?: string): Resolved => ({
    errors: [{ text: `${importer} imports ${JSON.stringify(specifier)}: ${ALLOWED}${why ? ` (${why})` : ""}` }],
  });
  const conditionsFor = (kind: ImportKind) =>
    new Set(["node", kind === "require-call" || kind === "require-resolve" ? "require" : "import", "module", "default"]);
  /** A package file by its real path: it must be a file inside node_modules with a loader we bundle. */
  const packageFile = async (candidate: string): Promise<string | undefined> => {
    for (const suffix of PACKAGE_FILE_SUFFIXES) {
      const info = await statOrUndefined(candidate + suffix);
      if (!info?.isFile()) continue;
      const real = await realOrUndefined(candidate + suffix);
      return real !== undefined && inside(modules, real) ? real : undefined;
    }
    return undefined;
  };
  const readJsonInModules = async (file: string): Promise<Record<string, unknown> | undefined> => {
    const real = await realOrUndefined(file);
    if (real === undefined || !inside(modules, real)) return undefined;
    try {
      return JSON.parse(await fsReadFile(real, "utf8")) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const asPackageModule = (real: string, importer: string, specifier: string): Resolved => {
    if (!inside(modules, real)) return refuse(importer, specifier, "it resolves outside the project's node_modules");
    if (!LOADERS[path.extname(real)])
      return refuse(importer, specifier, `${path.relative(root, real)}: only .js, .cjs, .mjs, .json and .ts files of packages are bundled`);
    return { path: path.relative(root, real).split(path.sep).join("/"), namespace: PACKAGES };
  };
  /** The directory of an installed package, looked up from `fromDir` upwards but never above the project. */
  const packageDir = async (name: string, fromDir: string) => {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== "node_modules") {
        const candidate = path.join(dir, "node_modules", name);
        if ((await statOrUndefined(candidate))?.isDirectory()) return candidate;
      }
      if (dir === root || !inside(root, dir)) return undefined;
    }
  };
  const resolvePackage = async (specifier: string, fromDir: string, kind: ImportKind, importer: string): Promise<Resolved> => {
    const name = packageNameOf(specifier);
    if (!PACKAGE_NAME.test(name) || specifier.split("/").includes("..")) return refuse(importer, specifier);
    const dir = await packageDir(name, fromDir);
    const real = dir === undefined ? undefined : await realOrUndefined(dir);
    if (real === undefined) return refuse(importer, specifier, `package ${name} is not installed in the project's node_modules`);
    if (!inside(modules, real))
      return refuse(importer, specifier, `package ${name} is a link to a directory outside the project's node_modules`);
    const manifest = (await readJsonInModules(path.join(real, "package.json"))) ?? {};
    const subpath = `.${specifier.slice(name.length)}`;
    let target: string | undefined;
    if (manifest.exports !== undefined) {
      target = mappedTarget(manifest.exports, subpath, conditionsFor(kind));
      if (target === undefined || !target.startsWith("./"))
        return refuse(importer, specifier, `package ${name} does not export ${subpath}`);
    } else {
      target = subpath === "." ? (typeof manifest.main === "string" ? `./${manifest.main}` : "./index") : subpath;
    }
    const wanted = path.resolve(real, target);
    if (!inside(real, wanted)) return refuse(importer, specifier, `package ${name} points outside itself`);
    const file =
      (await packageFile(wanted)) ??
      (subpath === "." && manifest.exports === undefined ? await packageFile(path.join(real, "index")) : undefined);
    return file === undefined
      ? refuse(importer, specifier, `no file for it in package ${name}`)
      : asPackageModule(file, importer, specifier);
  };
  /** `#name` imports of the package that contains `fromDir` (its nearest package.json inside node_modules). */
  const resolveSubpathImport = async (specifier: string, fromDir: string, kind: ImportKind, importer: string): Promise<Resolved> => {
    for (let dir = fromDir; inside(modules, dir); dir = path.dirname(dir)) {
      const manifest = await readJsonInModules(path.join(dir, "package.json"));
      if (!manifest) continue;
      const target = mappedTarget(manifest.imports, specifier, conditionsFor(kind));
      if (target === undefined) break;
      if (!target.startsWith("./"))
        return isRelative(target) || isAbsolute(target) ? refuse(importer, specifier) : resolvePackage(target, dir, kind, importer);
      const file = await packageFile(path.resolve(dir, target));
      return file === undefined ? refuse(importer, specifier, "no file for it") : asPackageModule(file, importer, specifier);
    }
    return refuse(importer, specifier, "no package.json imports entry for it");
  };

  return {
    name: "confined-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args): Promise<Resolved | { path: string; external: true }> => {
        if (isBuiltin(args.path) && !isRelative(args.path) && !isAbsolute(args.path)) return { path: args.path, external: true };
        if (args.kind === "entry-point" || args.namespace === NAMESPACE) {
          const importer = args.kind === "entry-point" ? "the entry point" : args.importer;
          if (isAbsolute(args.path)) return refuse(importer, args.path, "absolute paths are not read");
          if (args.kind === "entry-point" || isRelative(args.path)) {
            const wanted = path.posix.normalize(
              args.kind === "entry-point" ? args.path : path.posix.join(path.posix.dirname(args.importer), args.path),
            );
            if (!wanted.startsWith(ACTIONS_DIR)) return refuse(importer, args.path, `${wanted} is outside actions/`);
            const found = await probe(wanted);
            if (!found) {
              return {
                errors: [
                  {
                    text: `cannot find ${wanted} (tried ${EXTENSIONS.map((e) => wanted + e).join(", ")}; files outside the project, also through symbolic links, are not read)`,
                  },
                ],
              };
            }
            return { path: found, namespace: NAMESPACE };
          }
          dependencies ??= declaredDependencies(readFile);
          const name = packageNameOf(args.path);
          if (!(await dependencies).has(name)) return refuse(importer, args.path, `${name} is not declared in package.json dependencies`);
          return resolvePackage(args.path, root, args.kind, importer);
        }
        if (args.namespace !== PACKAGES) return refuse(args.importer, args.path);
        // A file of an installed package: its imports stay inside node_modules.
        const importer = args.importer;
        const fromDir = path.dirname(path.join(root, importer));
        if (isAbsolute(args.path)) return refuse(importer, args.path, "absolute paths are not read");
        if (args.path.startsWith("#")) return resolveSubpathImport(args.path, fromDir, args.kind, importer);
        if (isRelative(args.path)) {
          const file = await packageFile(path.resolve(fromDir, args.path));
          return file === undefined
            ? refuse(importer, args.path, "no such file inside node_modules")
            : asPackageModule(file, importer, args.path);
        }
        return resolvePackage(args.path, fromDir, args.kind, importer);
      });
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: contents.get(args.path)!,
        loader: args.path.endsWith(".ts") ? "ts" : "js",
      }));
      b.onLoad({ filter: /.*/, namespace: PACKAGES }, async (args) => {
        const real = await realOrUndefined(path.join(root, args.path));
        if (real === undefined || !inside(modules, real))
          return { errors: [{ text: `${args.path} is not inside the project's node_modules` }] };
        return { contents: await fsReadFile(real, "utf8"), loader: LOADERS[path.extname(real)]! };
      });
    },
  };
}

const claimsIn = (config: unknown) =>
  ((config as { claims?: { name: string; tokens: string[] }[] } | undefined)?.claims ?? []).map((c) => ({
    name: c.name,
    tokens: c.tokens,
  }));

/**
 * Bundles one action and reports what went into it: `inputs` are the metafile's inputs (project sources as
 * `project:actions/…`, package files as `package:node_modules/…`), each checked to lie inside the project.
 */
export async function buildAction(options: {
  source: string;
  readFile: FileReader;
  runtime: ActionRuntime;
  config: unknown;
  packagesDir?: string;
}): Promise<{ bundle: Bundle; inputs: string[] }> {
  const root = await realpath(options.packagesDir ?? process.cwd());
  let result;
  try {
    result = await build({
      entryPoints: [options.source],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: options.runtime,
      write: false,
      charset: "utf8",
      legalComments: "none",
      logLevel: "silent",
      // Paths in the output and the metafile are relative to the project, whatever the current directory.
      absWorkingDir: root,
      // No tsconfig.json is looked up (in the project or above it): the bundle depends on its sources only.
      tsconfigRaw: "{}",
      metafile: true,
      define: { __ACTION_CONFIG__: JSON.stringify(options.config) },
      banner: { js: `${CLAIMS_BANNER}${JSON.stringify(claimsIn(options.config)).replace(/\*\//g, "*\\/")} */` },
      plugins: [confinedImports(options.readFile, root)],
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const where = (file: string, line: number, text: string) => (text.startsWith(`${file} `) ? text : `${file}:${line}: ${text}`);
    const detail = errors
      .map((m) => (m.location ? where(m.location.file.replace(/^(project|package):/, ""), m.location.line, m.text) : m.text))
      .join("; ");
    throw new BundleError(detail || (e as Error).message);
  }
  const inputs = Object.keys((result.metafile as Metafile).inputs);
  // Besides files: esbuild's virtual module for the `define` of __ACTION_CONFIG__.
  const stray = inputs.filter(
    (i) =>
      !(
        /^<define:[\w$]+>$/.test(i) ||
        (i.startsWith(`${NAMESPACE}:${ACTIONS_DIR}`) && !i.split("/").includes("..")) ||
        (i.startsWith(`${PACKAGES}:node_modules/`) &&
          inside(path.join(root, "node_modules"), path.resolve(root, i.slice(PACKAGES.length + 1))))
      ),
  );
  if (stray.length > 0) throw new BundleError(`the bundle would contain files outside actions/ and node_modules: ${stray.join(", ")}`);
  const code = result.outputFiles[0]!.text;
  return { bundle: { code, sha256: sha256(code), bytes: Buffer.byteLength(code, "utf8") }, inputs };
}

/** Bundles one action into a single deterministic CommonJS file for Auth0 (same inputs → same bytes). */
export async function bundleAction(options: Parameters<typeof buildAction>[0]): Promise<Bundle> {
  return (await buildAction(options)).bundle;
}
