import { AsyncLocalStorage } from "node:async_hooks";
import { builtinModules, createRequire } from "node:module";
import { createHash } from "node:crypto";
import * as vm from "node:vm";

/**
 * Loads a bundled action into its own node:vm context, as Auth0 loads it into a container: the module's top level
 * runs once per bundle and later executions reuse it (warm). Network modules and fetch are refused unless allowed.
 */

export const NETWORK_MODULES = [
  "net",
  "http",
  "https",
  "http2",
  "dns",
  "tls",
  "dgram",
  "child_process",
  "cluster",
  "worker_threads",
  "inspector",
];

export interface LoadedAction {
  sha256: string;
  exports: Record<string, unknown>;
  /**
   * Calls an exported function inside the action's context with vm's timeout on its synchronous part, so a busy
   * loop is stopped; what runs after the first await is bounded by the caller's timer instead.
   */
  call: (name: string, args: unknown[], timeoutMs: number) => unknown;
}

export class ActionLoadError extends Error {}

/** Where console output of the action that is running now goes (executions may interleave). */
export const logSink = new AsyncLocalStorage<string[]>();

const hostRequire = createRequire(__filename);
const builtins = new Set(builtinModules);
const cache = new Map<string, LoadedAction>();
/** Loaded bundles kept warm; the oldest is dropped beyond this (each holds a vm context). */
const MAX_CACHED_BUNDLES = 256;

export const sha256 = (code: string) => createHash("sha256").update(code).digest("hex");

function sandboxConsole() {
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      const line = args.map((a) => (typeof a === "string" ? a : safeJson(a))).join(" ");
      logSink.getStore()?.push(level === "log" ? line : `${level}: ${line}`);
    };
  return { log: write("log"), info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug") };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function sandboxRequire(allowNetwork: boolean) {
  return (specifier: string) => {
    const name = specifier.replace(/^node:/, "");
    if (!builtins.has(name)) {
      throw new ActionLoadError(
        `require("${specifier}"): only Node built-ins are available at run time; bundle other modules into the action`,
      );
    }
    if (!allowNetwork && NETWORK_MODULES.includes(name.split("/")[0]!)) {
      throw new ActionLoadError(
        `require("${specifier}"): network access is blocked in the local action runtime (allow it explicitly with allowNetwork)`,
      );
    }
    return hostRequire(specifier);
  };
}

/** Compiles and runs a bundle's top level once per (code, network policy); later calls return the cached module. */
export function loadAction(code: string, options: { allowNetwork?: boolean; timeoutMs?: number } = {}): LoadedAction {
  const allowNetwork = options.allowNetwork ?? false;
  const digest = sha256(code);
  const key = `${digest}:${allowNetwork ? "net" : "offline"}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const module = { exports: {} as Record<string, unknown> };
  const globals: Record<string, unknown> = {
    console: sandboxConsole(),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    setImmediate,
    clearImmediate,
    queueMicrotask,
    structuredClone,
    crypto: globalThis.crypto,
    process: { env: {}, version: process.version, versions: process.versions },
  };
  if (allowNetwork) globals.fetch = globalThis.fetch;
  const context = vm.createContext(globals, { name: `action ${digest.slice(0, 12)}`, codeGeneration: { strings: false, wasm: false } });
  try {
    const wrapper = new vm.Script(`(function (exports, require, module) {\n${code}\n})`, { filename: `action-${digest.slice(0, 12)}.js` });
    const fn = wrapper.runInContext(context, { timeout: options.timeoutMs ?? 5_000 }) as (e: unknown, r: unknown, m: unknown) => void;
    fn(module.exports, sandboxRequire(allowNetwork), module);
  } catch (e) {
    if (e instanceof ActionLoadError) throw e;
    throw new ActionLoadError(`the action's top level failed: ${(e as Error).message}`);
  }
  const invoke = new vm.Script("globalThis.__call()", { filename: `action-${digest.slice(0, 12)}-call.js` });
  const call = (name: string, args: unknown[], timeoutMs: number) => {
    const fn = module.exports[name] as (...a: unknown[]) => unknown;
    context.__call = () => fn(...args);
    try {
      return invoke.runInContext(context, { timeout: timeoutMs });
    } finally {
      context.__call = undefined;
    }
  };
  const loaded = { sha256: digest, exports: module.exports, call };
  if (cache.size >= MAX_CACHED_BUNDLES) cache.delete(cache.keys().next().value!);
  cache.set(key, loaded);
  return loaded;
}
