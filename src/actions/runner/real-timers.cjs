"use strict";
/**
 * The runner's own timers, taken when the runner loads, before any action runs: what actions see in their context
 * (context.cjs) wraps these, and the runner's limits (batch.cjs) and its look at timer prototypes (shared.cjs) use them
 * directly.
 */
module.exports = Object.freeze({
  realSetTimeout: setTimeout,
  realClearTimeout: clearTimeout,
  realSetInterval: setInterval,
  realClearInterval: clearInterval,
  realSetImmediate: setImmediate,
  realClearImmediate: clearImmediate,
  realQueueMicrotask: queueMicrotask,
});
