"use strict";
/** Running code under vm's timeout: the only way to stop a synchronous loop of the action's. */

const vm = require("node:vm");

/** Runs `fn` inside the context under vm's timeout: its synchronous part is stopped at `ms`. */
function bounded(entry, fn, ms) {
  entry.context.__call = fn;
  try {
    return entry.invoke.runInContext(entry.context, { timeout: Math.max(1, Math.floor(ms)) });
  } finally {
    entry.context.__call = undefined;
  }
}

/** A context of the runner's own for reading values that action code handed over (describe-error.cjs examine). */
const GUARD = {
  context: vm.createContext(Object.create(null), { name: "runner guard", codeGeneration: { strings: false, wasm: false } }),
  invoke: new vm.Script("globalThis.__call()", { filename: "runner-guard.js" }),
};

module.exports = { bounded, GUARD };
