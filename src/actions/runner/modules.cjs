"use strict";
/** The Node built-ins action code may require, and the `require` handed to it. */

const nodeModule = require("node:module");
const { requireError } = require("./describe-error.cjs");

/**
 * The Node built-ins action code may require: an allow-list, the one place that decides it (docs/action-sandbox.md).
 * Auth0 documents no list; these are the pure ones that actions and the packages they bundle (jose, jsonwebtoken,
 * axios without its form-data part) use. Refused: whatever reaches the file system, processes, workers, the module
 * loader, the runner's process and its internals (fs, child_process, vm, process, module, v8, inspector, async_hooks,
 * diagnostics_channel, os, tty, worker_threads, cluster, repl, wasi, the underscore internals…).
 */
const ACTION_MODULES = [
  "assert",
  "assert/strict",
  "buffer",
  "crypto",
  "events",
  "path",
  "path/posix",
  "path/win32",
  "punycode",
  "querystring",
  "stream",
  "stream/consumers",
  "stream/promises",
  "stream/web",
  "string_decoder",
  "timers/promises",
  "url",
  "util",
  "util/types",
  "zlib",
];
/** Allowed only when the host allows the network (--allow-network); their network entry points are disabled otherwise. */
const NETWORK_ACTION_MODULES = ["dns", "dns/promises", "http", "http2", "https", "net", "tls"];
const builtins = new Set(nodeModule.builtinModules);

const ALLOWED_TEXT = `an action may require ${ACTION_MODULES.join(", ")}; with --allow-network also ${NETWORK_ACTION_MODULES.join(", ")}`;

/** The modules an action may require under a network policy. */
const allowedModules = (network) => [...ACTION_MODULES, ...(network ? NETWORK_ACTION_MODULES : [])];

/** The `require` every action of this runner gets. */
function actionRequire(network) {
  return function sandboxRequire(specifier) {
    const text = String(specifier);
    const name = text.startsWith("node:") ? text.slice(5) : text;
    if (ACTION_MODULES.includes(name) || (network && NETWORK_ACTION_MODULES.includes(name))) return require(`node:${name}`);
    if (NETWORK_ACTION_MODULES.includes(name))
      throw requireError(text, "network access is blocked in the local action runtime (allow it explicitly with --allow-network)");
    if (builtins.has(name) || nodeModule.isBuiltin(text))
      throw requireError(text, `this Node built-in is not available to actions in the local runtime (${ALLOWED_TEXT})`);
    throw requireError(text, `only Node built-ins are available at run time; bundle other modules into the action (${ALLOWED_TEXT})`);
  };
}

module.exports = { ACTION_MODULES, NETWORK_ACTION_MODULES, allowedModules, actionRequire };
