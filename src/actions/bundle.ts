import { builtinModules } from "node:module";
import * as path from "node:path";
import { build, type Plugin } from "esbuild";
import { sha256 } from "./sandbox";
import type { ActionRuntime } from "./triggers";

export interface Bundle {
  code: string;
  sha256: string;
  bytes: number;
}

export class BundleError extends Error {}

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
const builtins = new Set(builtinModules);
const EXTENSIONS = ["", ".ts", ".js", "/index.ts", "/index.js"];

/**
 * Reads the action's own sources through the spec's file reader (a working tree or a git revision), so a
 * revision can be bundled without a checkout. npm packages resolve from `packagesDir`; Node built-ins stay external.
 */
function projectFiles(readFile: FileReader, packagesDir: string): Plugin {
  const contents = new Map<string, string>();
  const probe = async (candidate: string) => {
    for (const ext of EXTENSIONS) {
      const p = path.posix.normalize(candidate + ext);
      if (contents.has(p)) return p;
      const text = p.startsWith("..") ? undefined : await readFile(p);
      if (text !== undefined) {
        contents.set(p, text);
        return p;
      }
    }
    return undefined;
  };
  return {
    name: "project-files",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        const bare = args.path.replace(/^node:/, "");
        if (builtins.has(bare) || builtins.has(bare.split("/")[0]!)) return { path: args.path, external: true };
        if (args.kind === "entry-point" || (args.namespace === NAMESPACE && args.path.startsWith("."))) {
          const wanted = args.kind === "entry-point" ? args.path : path.posix.join(path.posix.dirname(args.importer), args.path);
          const found = await probe(wanted);
          if (!found) return { errors: [{ text: `cannot find ${wanted} (tried ${EXTENSIONS.map((e) => wanted + e).join(", ")})` }] };
          return { path: found, namespace: NAMESPACE };
        }
        return undefined; // an npm package: esbuild resolves it from packagesDir (set as resolveDir on load)
      });
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: contents.get(args.path)!,
        loader: args.path.endsWith(".ts") ? "ts" : "js",
        resolveDir: packagesDir,
      }));
    },
  };
}

const claimsIn = (config: unknown) =>
  ((config as { claims?: { name: string; tokens: string[] }[] } | undefined)?.claims ?? []).map((c) => ({
    name: c.name,
    tokens: c.tokens,
  }));

/** Bundles one action into a single deterministic CommonJS file for Auth0 (same inputs → same bytes). */
export async function bundleAction(options: {
  source: string;
  readFile: FileReader;
  runtime: ActionRuntime;
  config: unknown;
  packagesDir?: string;
}): Promise<Bundle> {
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
      define: { __ACTION_CONFIG__: JSON.stringify(options.config) },
      banner: { js: `${CLAIMS_BANNER}${JSON.stringify(claimsIn(options.config)).replace(/\*\//g, "*\\/")} */` },
      plugins: [projectFiles(options.readFile, options.packagesDir ?? process.cwd())],
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = errors
      .map((m) => (m.location ? `${m.location.file.replace(/^project:/, "")}:${m.location.line}: ${m.text}` : m.text))
      .join("; ");
    throw new BundleError(detail || (e as Error).message);
  }
  const code = result.outputFiles[0]!.text;
  return { code, sha256: sha256(code), bytes: Buffer.byteLength(code, "utf8") };
}
