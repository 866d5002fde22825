"use strict";
/**
 * A batch: calls of one bundle that arrived in one frame. Their synchronous starts run in sections that share one
 * vm timeout (each timeout costs a watchdog thread): a section starts calls only while the batch is younger than
 * START_WINDOW_MS and has the limit of its calls plus that window, so a call it stops had run its whole own limit.
 * Calls not started in the window are handed back (`later`). Each started call then finishes under its own limit,
 * counted from its own start, and is answered as it ends; the batch ends when all have.
 */

const { START_WINDOW_MS } = require("./limits.cjs");
const { bounded } = require("./bounded.cjs");
const { examine, describeError, failure } = require("./describe-error.cjs");
const { logSink, recorder, result } = require("./recorder.cjs");
const { buildApi } = require("./auth0-api.cjs");
const { restoreSettings } = require("./freeze.cjs");
const { realSetTimeout, realClearTimeout } = require("./real-timers.cjs");

function startCall(entry, s) {
  return logSink.run(s.rec, () => {
    try {
      const handler = entry.module.exports[s.request.handler];
      if (typeof handler !== "function") return { noHandler: true };
      const event = entry.parse(s.request.eventText);
      // Adopted here, under the limit: reading a returned thenable's `then` runs the action's code.
      return { value: Promise.resolve(handler(event, buildApi(s.request.trigger, s.rec))) };
    } catch (error) {
      return { error };
    }
  });
}

async function finishCall(s) {
  const { request, rec, outcome } = s;
  const timedOut = () => failure(request.id, "timeout", `the ${request.trigger} action did not finish within ${request.timeoutMs} ms`);
  if (outcome.timeout) return timedOut();
  if (outcome.error !== undefined) {
    const seen = examine(outcome.error);
    if (seen.timeout) return timedOut();
    return failure(request.id, "threw", seen.message);
  }
  if (outcome.noHandler)
    return failure(request.id, "no-handler", `the bundle exports no ${request.handler} handler for ${request.trigger}`);
  let timer;
  const limit = new Promise((resolve) => {
    timer = realSetTimeout(() => resolve("timeout"), Math.max(0, request.timeoutMs - (Date.now() - s.started)));
  });
  try {
    if ((await Promise.race([outcome.value.then(() => "done"), limit])) === "timeout") return timedOut();
  } catch (error) {
    return failure(request.id, "threw", describeError(error));
  } finally {
    realClearTimeout(timer);
  }
  return result(request.id, rec);
}

/** Runs a batch of calls of bundles in `bundles` (loader.cjs); `send` answers each call, `fail(id)` an internal error. */
async function runBatch(calls, bundles, send, fail) {
  restoreSettings();
  const batchStart = Date.now();
  const finishing = [];
  let next = 0;
  while (next < calls.length) {
    const first = calls[next];
    const entry = bundles.get(first.sha);
    if (!entry) {
      send(failure(first.id, "not-loaded", "the bundle is not loaded in the action host"));
      next++;
      continue;
    }
    if (Date.now() - batchStart >= START_WINDOW_MS) break;
    const started = [];
    let stopped;
    try {
      bounded(
        entry,
        () => {
          while (
            next < calls.length &&
            calls[next].sha === first.sha &&
            calls[next].timeoutMs === first.timeoutMs &&
            Date.now() - batchStart < START_WINDOW_MS
          ) {
            const s = { request: calls[next++], rec: recorder(), started: Date.now(), outcome: undefined };
            started.push(s);
            s.outcome = startCall(entry, s);
          }
        },
        first.timeoutMs + START_WINDOW_MS,
      );
    } catch (error) {
      stopped = error; // vm's timeout: uncatchable inside, it ends the whole section
    }
    if (stopped !== undefined) {
      const last = started[started.length - 1];
      if (last && last.outcome === undefined) last.outcome = examine(stopped).timeout ? { timeout: true } : { error: stopped };
    }
    for (const s of started) finishing.push(finishCall(s).then(send, fail(s.request.id)));
    if (stopped !== undefined) break;
  }
  for (const request of calls.slice(next))
    send(failure(request.id, "later", "the action host did not start this call in its batch; send it again"));
  await Promise.all(finishing);
}

module.exports = { runBatch };
