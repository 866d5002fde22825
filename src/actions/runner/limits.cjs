"use strict";
/** The runner's limits: what one execution may produce, and how long the runner's own work on an action's values may take. */

const LIMITS = Object.freeze({
  logBytes: 64 * 1024,
  logLineChars: 4096,
  claimBytes: 256 * 1024,
  denyChars: 1000,
  errorChars: 2000,
  exportNames: 1000,
  exportNameChars: 256,
  frameBytes: 1024 * 1024,
  timerSliceMs: 1000,
  examineMs: 250,
  cachedBundles: 256,
});

/**
 * A batch's calls start only while the batch is younger than this; each may then run its whole limit from the end of
 * the window (src/actions/sandbox.ts allows for it in its backstop).
 */
const START_WINDOW_MS = 10;

module.exports = { LIMITS, START_WINDOW_MS };
