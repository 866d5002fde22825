"use strict";
/** The roots of what actions share (freeze.cjs freezes what they reach), and the shared settings an action may not change. */

const { allowedModules } = require("./modules.cjs");
const { deny } = require("./lockdown.cjs");
const { SHARED_STATE_WHY, liveAgents, freezeReachable } = require("./freeze.cjs");
const {
  realSetTimeout,
  realClearTimeout,
  realSetInterval,
  realClearInterval,
  realSetImmediate,
  realClearImmediate,
} = require("./real-timers.cjs");

/**
 * Instances whose prototypes are not exported by any allowed module (timers, key objects, hashes, ...): their
 * prototypes are shared all the same. Each factory returns one instance.
 */
function sampleInstances(modules) {
  const samples = [];
  const take = (make) => {
    try {
      const value = make();
      if (value !== null && (typeof value === "object" || typeof value === "function")) samples.push(value);
    } catch {}
  };
  const crypto = modules.crypto;
  take(() => {
    const t = realSetTimeout(() => {}, 1);
    realClearTimeout(t);
    return t;
  });
  take(() => {
    const t = realSetInterval(() => {}, 1000);
    realClearInterval(t);
    return t;
  });
  take(() => {
    const t = realSetImmediate(() => {});
    realClearImmediate(t);
    return t;
  });
  take(() => crypto.createHash("sha256"));
  take(() => crypto.createHmac("sha256", "k"));
  take(() => crypto.createSign("sha256"));
  take(() => crypto.createVerify("sha256"));
  take(() => crypto.createCipheriv("aes-128-gcm", Buffer.alloc(16), Buffer.alloc(12)));
  take(() => crypto.createDecipheriv("aes-128-gcm", Buffer.alloc(16), Buffer.alloc(12)));
  take(() => crypto.createECDH("prime256v1"));
  take(() => crypto.createSecretKey(Buffer.alloc(16)));
  take(() => {
    const pair = crypto.generateKeyPairSync("ed25519");
    samples.push(pair.privateKey);
    return pair.publicKey;
  });
  take(() => new URL("http://a.invalid/?b=1").searchParams);
  take(() => new URLSearchParams("a=1").entries());
  take(() => new modules.string_decoder.StringDecoder("utf8"));
  take(() => modules.zlib.createGzip());
  take(() => modules.zlib.createInflateRaw());
  take(() => new modules.stream.PassThrough());
  take(() => modules.stream.Readable.from([]));
  take(() => new modules["stream/web"].ReadableStream().getReader());
  take(() => new modules["stream/web"].WritableStream().getWriter());
  take(() => modules["timers/promises"].setInterval(1000));
  take(() => modules.events.on(new modules.events.EventEmitter(), "x"));
  take(() => new TextEncoder());
  take(() => new TextDecoder());
  take(() => Buffer.alloc(1).entries());
  take(() => modules.util.promisify(() => {}));
  take(() => new AbortController());
  return samples;
}

/**
 * EventEmitter.prototype[kCapture] is writable and cannot be reconfigured, so freezing it would break every emitter
 * (EventEmitter.init assigns it on the instance, which a read-only inherited property forbids). Each emitter gets
 * its own property first; EventEmitter calls `EventEmitter.init` through the property, so this is seen by all.
 */
function ownCaptureFlag(EventEmitter) {
  const kCapture = Object.getOwnPropertySymbols(EventEmitter.prototype).find((s) => s.description === "kCapture");
  if (kCapture === undefined) return;
  const originalInit = EventEmitter.init;
  EventEmitter.init = function init(...args) {
    if (this !== null && typeof this === "object" && !Object.prototype.hasOwnProperty.call(this, kCapture))
      Object.defineProperty(this, kCapture, { value: false, writable: true, enumerable: false, configurable: true });
    return Reflect.apply(originalInit, this, args);
  };
  Object.defineProperty(EventEmitter.prototype, kCapture, { writable: false });
}

/** Functions that change hidden state every action reads, wrapped to refuse that use. */
function refuseGlobalSettings(modules) {
  const events = modules.events;
  ownCaptureFlag(events.EventEmitter);
  const setMaxListeners = events.setMaxListeners;
  if (typeof setMaxListeners === "function") {
    const guarded = function setMaxListeners(n, ...targets) {
      if (targets.length === 0) throw new TypeError(`events.setMaxListeners() without targets: ${SHARED_STATE_WHY}`);
      return Reflect.apply(setMaxListeners, this, [n, ...targets]);
    };
    for (const owner of [events, events.EventEmitter]) {
      if (owner.setMaxListeners === setMaxListeners)
        Object.defineProperty(owner, "setMaxListeners", { value: guarded, writable: false, enumerable: true, configurable: false });
    }
  }
  for (const [mod, names] of [
    ["stream", ["setDefaultHighWaterMark"]],
    ["crypto", ["setEngine", "setFips"]],
    ["dns", ["setServers", "setDefaultResultOrder"]],
    ["dns/promises", ["setServers", "setDefaultResultOrder"]],
  ]) {
    if (!modules[mod]) continue;
    for (const name of names) {
      deny(modules[mod], name, `${mod}.${name}`, SHARED_STATE_WHY);
      if (Object.getOwnPropertyDescriptor(modules[mod], name)) Object.defineProperty(modules[mod], name, { writable: false });
    }
  }
}

/**
 * Freezes what every action shares under a network policy, with `actionRequire`, the one `require` every action gets;
 * returns how many objects were walked.
 */
function freezeShared(network, actionRequire) {
  const names = allowedModules(network);
  const modules = {};
  for (const name of names) modules[name] = require(`node:${name}`);
  // The connection agents are live objects (their sockets and queues change with every request): not frozen. They
  // exist only with --allow-network, which the `action` command offers for its one action.
  if (network) for (const name of ["http", "https"]) liveAgents.add(modules[name].globalAgent);
  // Pooled Buffers are slices of one shared ArrayBuffer: an action holding one would read what is written after it
  // (another action's Buffer.from(secret), this runner's replies). Every Buffer gets its own memory instead.
  Buffer.poolSize = 0;
  refuseGlobalSettings(modules);
  const roots = [
    actionRequire,
    ...Object.values(modules),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    structuredClone,
    globalThis.crypto,
    ...(network && typeof fetch === "function" ? [fetch] : []),
    // Their prototypes only: an instance's own state is its own.
    ...sampleInstances(modules).map((instance) => Object.getPrototypeOf(instance)),
  ];
  const frozen = freezeReachable(roots);
  // Not frozen, but no action can add to them or swap their prototype.
  for (const agent of liveAgents) Object.preventExtensions(agent);
  return frozen;
}

module.exports = { freezeShared };
