"use strict";
/** What an action threw, read safely, and the failure replies that carry it to the host. */

const { LIMITS } = require("./limits.cjs");
const { bounded, GUARD } = require("./bounded.cjs");
const { clip } = require("./text.cjs");

/** The runner's own errors for a refused `require` (an action cannot forge one: membership, not a property). */
const requireErrors = new WeakSet();

function requireError(specifier, why) {
  const error = new Error(`require("${specifier}"): ${why}`);
  error.code = "ERR_ACCESS_DENIED";
  requireErrors.add(error);
  return error;
}

/**
 * What an action threw, read under a time limit: the value is the action's (a getter, a Proxy trap or a toString
 * may loop or throw), and this runs in the runner's own code, outside the limits of the action's call.
 * `timeout`: the vm stopped the action's code; `require`: the action required a module it may not have.
 */
function examine(error) {
  const unprintable = { timeout: false, require: false, message: "an unprintable value was thrown" };
  if (requireErrors.has(error)) return { timeout: false, require: true, message: error.message };
  try {
    return bounded(
      GUARD,
      () => {
        const isObject = error !== null && (typeof error === "object" || typeof error === "function");
        const message = isObject && "message" in error ? String(error.message) : String(error);
        return {
          timeout: isObject && error.code === "ERR_SCRIPT_EXECUTION_TIMEOUT",
          require: false,
          message: clip(message, LIMITS.errorChars),
        };
      },
      LIMITS.examineMs,
    );
  } catch {
    return unprintable;
  }
}

const describeError = (error) => examine(error).message;

function failure(id, kind, message) {
  return { id, ok: false, error: { kind, message: clip(message, LIMITS.errorChars) } };
}

module.exports = { requireError, examine, describeError, failure };
