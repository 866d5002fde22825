"use strict";
/** The node:vm context a bundle runs in: its globals, with console and timers bound to the running execution. */

const vm = require("node:vm");
const { LIMITS } = require("./limits.cjs");
const { clip, safeJson } = require("./text.cjs");
const { bounded } = require("./bounded.cjs");
const { describeError } = require("./describe-error.cjs");
const { logSink, log } = require("./recorder.cjs");
const {
  realSetTimeout,
  realClearTimeout,
  realSetInterval,
  realClearInterval,
  realSetImmediate,
  realClearImmediate,
  realQueueMicrotask,
} = require("./real-timers.cjs");

const stringify = JSON.stringify;

function sandboxConsole() {
  const write =
    (level) =>
    (...args) => {
      const rec = logSink.getStore();
      if (!rec || rec.logBytes >= LIMITS.logBytes) {
        if (rec) rec.logsDropped += 1;
        return;
      }
      const line = args
        .map((a) => (typeof a === "string" ? clip(a, LIMITS.logLineChars) : clip(safeJson(a), LIMITS.logLineChars)))
        .join(" ");
      log(rec, level === "log" ? line : `${level}: ${line}`);
    };
  return { log: write("log"), info: write("info"), warn: write("warn"), error: write("error"), debug: write("debug") };
}

/** Timers handed to action code run their callbacks under vm's timeout too, so a busy loop there is stopped. */
function boundedCallback(entry, callback) {
  if (typeof callback !== "function") return callback;
  return (...args) => {
    try {
      bounded(entry, () => callback(...args), LIMITS.timerSliceMs);
    } catch (error) {
      log(logSink.getStore(), `[local runtime] a timer callback failed: ${describeError(error)}`);
    }
  };
}

/** A fresh context for the bundle `sha`: the entry the loader keeps for it. */
function newContext(sha, network) {
  const entry = { sha, context: undefined, invoke: undefined, module: { exports: {} }, parse: undefined, exports: [], functions: [] };
  const globals = {
    console: sandboxConsole(),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    setTimeout: (cb, ...rest) => realSetTimeout(boundedCallback(entry, cb), ...rest),
    clearTimeout: (t) => realClearTimeout(t),
    setInterval: (cb, ...rest) => realSetInterval(boundedCallback(entry, cb), ...rest),
    clearInterval: (t) => realClearInterval(t),
    setImmediate: (cb, ...rest) => realSetImmediate(boundedCallback(entry, cb), ...rest),
    clearImmediate: (t) => realClearImmediate(t),
    queueMicrotask: (cb) => realQueueMicrotask(boundedCallback(entry, cb)),
    structuredClone,
    crypto: globalThis.crypto,
  };
  if (network && typeof fetch === "function") globals.fetch = fetch;
  // A null prototype: `this.constructor` inside the context is then the context's own Object, not this realm's
  // (whose Function would compile strings here if code generation were ever allowed in this process).
  Object.setPrototypeOf(globals, null);
  entry.context = vm.createContext(globals, { name: `action ${sha.slice(0, 12)}`, codeGeneration: { strings: false, wasm: false } });
  // Captured before the action's code runs (it may replace the context's JSON later).
  entry.parse = vm.runInContext("JSON.parse", entry.context);
  vm.runInContext(`globalThis.process = ${stringify({ env: {}, version: process.version, versions: process.versions })};`, entry.context);
  entry.invoke = new vm.Script("globalThis.__call()", { filename: `action-${sha.slice(0, 12)}-call.js` });
  return entry;
}

module.exports = { newContext };
