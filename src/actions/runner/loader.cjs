"use strict";
/** Loading bundles: each bundle's top level runs once in a context of its own, under its limit; contexts are kept warm. */

const vm = require("node:vm");
const { LIMITS } = require("./limits.cjs");
const { bounded } = require("./bounded.cjs");
const { examine, failure } = require("./describe-error.cjs");
const { newContext } = require("./context.cjs");

function listExports(entry) {
  return bounded(
    entry,
    () => {
      const exported = entry.module.exports;
      if (exported === null || (typeof exported !== "object" && typeof exported !== "function")) return { names: [], functions: [] };
      const names = Object.keys(exported);
      if (names.length > LIMITS.exportNames) return { tooMany: names.length };
      const functions = names.filter((n) => typeof exported[n] === "function");
      return { names: names.map(String), functions: functions.map(String) };
    },
    1000,
  );
}

/** The loaded bundles, by sha, least recently loaded first; each bundle gets `sandboxRequire` (modules.cjs). */
function bundleCache(network, sandboxRequire) {
  const cache = new Map();

  function load(request) {
    const hit = cache.get(request.sha);
    if (hit) {
      cache.delete(request.sha);
      cache.set(request.sha, hit);
      return { id: request.id, ok: true, exports: hit.exports, functions: hit.functions };
    }
    const entry = newContext(request.sha, network);
    try {
      const wrapper = new vm.Script(`(function (exports, require, module) {\n${request.code}\n})`, {
        filename: `action-${request.sha.slice(0, 12)}.js`,
      });
      const fn = wrapper.runInContext(entry.context);
      bounded(entry, () => fn(entry.module.exports, sandboxRequire, entry.module), request.timeoutMs);
    } catch (error) {
      const seen = examine(error);
      if (seen.timeout) return failure(request.id, "timeout", `the action's top level did not finish within ${request.timeoutMs} ms`);
      if (seen.require) return failure(request.id, "require", seen.message);
      return failure(request.id, "threw", `the action's top level failed: ${seen.message}`);
    }
    let listed;
    try {
      listed = listExports(entry);
    } catch (error) {
      const seen = examine(error);
      if (seen.timeout) return failure(request.id, "timeout", "listing the action's exports did not finish within 1000 ms");
      return failure(request.id, "threw", `listing the action's exports failed: ${seen.message}`);
    }
    if (listed.tooMany !== undefined)
      return failure(request.id, "too-large", `the action exports ${listed.tooMany} names (at most ${LIMITS.exportNames})`);
    if (listed.names.some((n) => n.length > LIMITS.exportNameChars))
      return failure(request.id, "too-large", `an export name is longer than ${LIMITS.exportNameChars} characters`);
    entry.exports = listed.names;
    entry.functions = listed.functions;
    if (cache.size >= LIMITS.cachedBundles) cache.delete(cache.keys().next().value);
    cache.set(request.sha, entry);
    return { id: request.id, ok: true, exports: entry.exports, functions: entry.functions };
  }

  /** A loaded bundle's entry (not counted as a use: only loads refresh a bundle's place). */
  const get = (sha) => cache.get(sha);

  return { load, get };
}

module.exports = { bundleCache };
