"use strict";
/**
 * The protocol's frames. Host → child: a 4-byte big-endian length, the 4-byte length of a UTF-8 JSON header, the
 * header, then the raw bytes it describes (a batch's events, as JSON text, one after the other). Child → host: a
 * 4-byte big-endian length and a UTF-8 JSON object.
 */

const { LIMITS } = require("./limits.cjs");

const stringify = JSON.stringify;
const parseJson = JSON.parse;
const byteLength = Buffer.byteLength;

/** A reply as a frame; a reply too large for the host becomes a `too-large` failure of its request. */
function replyFrame(message) {
  let json = stringify(message);
  let bytes = byteLength(json);
  if (bytes > LIMITS.frameBytes && message.id !== undefined) {
    json = stringify({
      id: message.id,
      ok: false,
      error: { kind: "too-large", message: `the action's output is larger than ${LIMITS.frameBytes} bytes` },
    });
    bytes = byteLength(json);
  }
  // Buffer.alloc, not allocUnsafe: the frame is written whole, but nothing of old memory should be able to leave.
  const frame = Buffer.alloc(4 + bytes);
  frame.writeUInt32BE(bytes, 0);
  frame.write(json, 4);
  return frame;
}

/**
 * Reads the host's frames from the chunks given to the returned function: each request goes to `onRequest`, a
 * batch of calls (`type: "calls"`) with each call's `eventText`; a frame that cannot be read goes to `onMalformed`.
 */
function requestReader(onRequest, onMalformed) {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      const body = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      let request;
      try {
        const jsonBytes = body.readUInt32BE(0);
        request = parseJson(body.toString("utf8", 4, 4 + jsonBytes));
        request.tail = body.subarray(4 + jsonBytes);
        if (request.type === "calls" && Array.isArray(request.calls)) {
          let at = 0;
          for (const c of request.calls) {
            c.eventText = request.tail.toString("utf8", at, at + c.eventBytes);
            at += c.eventBytes;
          }
          request = { type: "calls", calls: request.calls };
        }
      } catch {
        onMalformed();
        return;
      }
      onRequest(request);
    }
  };
}

module.exports = { replyFrame, requestReader };
