"use strict";
/**
 * What one execution did, recorded for the host (which applies Auth0's claim rules to it): claims and a denial as
 * operations, and its logs, each within its budget.
 */

const { AsyncLocalStorage } = require("node:async_hooks");
const { LIMITS } = require("./limits.cjs");
const { clip, safeJson } = require("./text.cjs");
const { describeError } = require("./describe-error.cjs");

const stringify = JSON.stringify;
const byteLength = Buffer.byteLength;

/** The recorder of the execution whose code is running (console output and timer failures go to it). */
const logSink = new AsyncLocalStorage();

function recorder() {
  return { ops: [], logs: [], logBytes: 0, logsDropped: 0, claimBytes: 0, overflow: {}, denied: false };
}

function log(rec, line) {
  if (!rec) return;
  if (rec.logBytes >= LIMITS.logBytes) {
    rec.logsDropped += 1;
    return;
  }
  const text = clip(line, LIMITS.logLineChars);
  rec.logBytes += byteLength(text);
  rec.logs.push(text);
}

/** `api.<token>.setCustomClaim(name, value)`: the value as JSON, within the execution's claim budget. */
function recordClaim(rec, token, name, value) {
  const claim = String(name);
  if (typeof value === "string" && value.length > LIMITS.claimBytes) {
    // Past the budget by its length alone (every character is at least one byte): counted without copying it,
    // so a huge value cannot exhaust the child's small heap on the way to being dropped.
    overflowed(rec, token, claim, byteLength(claim) + value.length + 2);
    return;
  }
  let json;
  try {
    json = stringify(value);
  } catch (error) {
    rec.ops.push({
      op: "claim",
      token,
      name: clip(claim, 1024),
      error: `the value cannot be serialised as JSON (${describeError(error)})`,
    });
    return;
  }
  const bytes = byteLength(claim) + (json === undefined ? 0 : byteLength(json));
  if (rec.claimBytes + bytes > LIMITS.claimBytes) {
    overflowed(rec, token, claim, bytes);
    return;
  }
  rec.claimBytes += bytes;
  // An undefined value has no json: the reply's JSON leaves the field out.
  rec.ops.push({ op: "claim", token, name: claim, json });
}

/** Past the claim budget only the size and (a bounded list of) names are kept: the host drops the token's claims. */
function overflowed(rec, token, claim, bytes) {
  const over = rec.overflow[token] || (rec.overflow[token] = { bytes: 0, names: [] });
  over.bytes += bytes;
  if (over.names.length < 100) over.names.push(clip(claim, 256));
}

function text(value) {
  return value === undefined ? undefined : clip(typeof value === "string" ? value : safeJson(value), LIMITS.denyChars);
}

/** `api.access.deny(...)`: the first denial of an execution counts. */
function recordDeny(rec, code, reason) {
  if (rec.denied) return;
  rec.denied = true;
  rec.ops.push({ op: "deny", code: text(code), reason: text(reason) });
}

/** The reply for an execution that finished. */
function result(id, rec) {
  if (rec.logsDropped > 0)
    rec.logs.push(`[local runtime] ${rec.logsDropped} more log line(s) dropped (at most ${LIMITS.logBytes} bytes of logs per execution)`);
  return { id, ok: true, ops: rec.ops, logs: rec.logs, overflow: rec.overflow };
}

module.exports = { logSink, recorder, log, recordClaim, recordDeny, result };
