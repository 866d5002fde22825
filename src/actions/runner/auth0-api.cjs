"use strict";
/** The Auth0-shaped `api` object a handler gets; what it is asked to do is recorded (recorder.cjs). */

const { safeJson } = require("./text.cjs");
const { log, recordClaim, recordDeny } = require("./recorder.cjs");

function tokenApi(rec, token) {
  return {
    setCustomClaim(name, value) {
      recordClaim(rec, token, name, value);
    },
  };
}

function cacheApi() {
  const entries = new Map();
  return {
    get: (key) => entries.get(key),
    set: (key, value, opts) => {
      entries.set(key, { value, ...(opts && opts.ttl ? { expires_at: Date.now() + opts.ttl } : {}) });
      return { type: "success" };
    },
    delete: (key) => (entries.delete(key), { type: "success" }),
  };
}

/** The `api` object Auth0 hands to a handler; calls the local runtime does not carry out are noted in the logs. */
function buildApi(trigger, rec) {
  const noted =
    (name) =>
    (...args) =>
      log(rec, `[local runtime] api.${name}(${args.map((a) => safeJson(a)).join(", ")}) is not simulated`);
  const accessToken = {
    ...tokenApi(rec, "access"),
    addScope: noted("accessToken.addScope"),
    removeScope: noted("accessToken.removeScope"),
  };
  if (trigger === "credentials-exchange") {
    return { accessToken, access: { deny: (code, reason) => recordDeny(rec, code, reason) }, cache: cacheApi() };
  }
  return {
    idToken: tokenApi(rec, "id"),
    accessToken,
    access: { deny: (reason) => recordDeny(rec, undefined, reason) },
    user: { setAppMetadata: noted("user.setAppMetadata"), setUserMetadata: noted("user.setUserMetadata") },
    multifactor: { enable: noted("multifactor.enable") },
    cache: cacheApi(),
  };
}

module.exports = { buildApi };
