"use strict";
/** Bounded text of the action's values, for logs and error messages. */

const stringify = JSON.stringify;

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

function safeJson(value) {
  try {
    const json = stringify(value);
    return json === undefined ? String(value) : json;
  } catch {
    try {
      return String(value);
    } catch {
      return "[unprintable]";
    }
  }
}

module.exports = { clip, safeJson };
