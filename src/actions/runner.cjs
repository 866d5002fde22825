"use strict";
/*
 * The action host's child process (started by src/actions/sandbox.ts; plain CommonJS so the child needs no loader).
 *
 * The host starts it with the Node permission model (no file system access except this file, no child processes,
 * no workers, no addons, no WASI), an empty environment, no code generation from strings, a small heap and pipes
 * for stdio. Before any action code loads, this file disables the network entry points (unless the host asked for
 * network access), trace files, signals to other processes and the raw binding loaders, then reads requests.
 *
 * Protocol. Host → child: frames of a 4-byte big-endian length, the 4-byte length of a UTF-8 JSON header, the header,
 * then the raw bytes it describes. Child → host: frames of a 4-byte big-endian length and a UTF-8 JSON object.
 *   host → child  { id, type: "load", sha, code, timeoutMs }   → { id, ok: true, exports, functions }
 *                 { type: "calls", calls: [{ id, sha, trigger, handler, timeoutMs, eventBytes }] } and the calls'
 *                 events as JSON text, one after the other → per call, in order: { id, ok: true, ops, logs, overflow }
 *   child → host  { type: "ready", ... } once at start; { id, ok: false, error: { kind, message } } on failure.
 * Action code runs in one node:vm context per bundle (kept warm), with Auth0-shaped `event` and `api` objects whose
 * calls are recorded; the host applies Auth0's claim rules to what was recorded.
 */

const vm = require("node:vm");
const { AsyncLocalStorage } = require("node:async_hooks");
const nodeModule = require("node:module");

const options = JSON.parse(process.argv[2] || "{}");
const NETWORK = options.network === true;

const LIMITS = {
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
};

/**
 * The Node built-ins action code may require: an allow-list, the one place that decides it (docs/action-sandbox.md).
 * Auth0 documents no list; these are the pure ones that actions and the packages they bundle (jose, jsonwebtoken,
 * axios without its form-data part) use. Refused: whatever reaches the file system, processes, workers, the module
 * loader, the runner's process and its internals (fs, child_process, vm, process, module, v8, inspector, async_hooks,
 * diagnostics_channel, os, tty, worker_threads, cluster, repl, wasi, the underscore internals…).
 */
const ACTION_MODULES = [
  "assert",
  "assert/strict",
  "buffer",
  "crypto",
  "events",
  "path",
  "path/posix",
  "path/win32",
  "punycode",
  "querystring",
  "stream",
  "stream/consumers",
  "stream/promises",
  "stream/web",
  "string_decoder",
  "timers/promises",
  "url",
  "util",
  "util/types",
  "zlib",
];
/** Allowed only when the host allows the network (--allow-network); their network entry points are disabled otherwise. */
const NETWORK_ACTION_MODULES = ["dns", "dns/promises", "http", "http2", "https", "net", "tls"];
const builtins = new Set(nodeModule.builtinModules);

/* ---------------------------------------------------------------- I/O set up before the lockdown ------------ */

const stdin = process.stdin;
const stdout = process.stdout;
const writeOut = stdout.write.bind(stdout);
void process.stderr;
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;
const realSetInterval = setInterval;
const realClearInterval = clearInterval;
const realSetImmediate = setImmediate;
const realClearImmediate = clearImmediate;
const realQueueMicrotask = queueMicrotask;
const stringify = JSON.stringify;
const parseJson = JSON.parse;
const byteLength = Buffer.byteLength;

/* ---------------------------------------------------------------- lockdown ---------------------------------- */

const lockdown = [];

function accessDenied(what, why) {
  const error = new Error(`${what}: ${why}`);
  error.code = "ERR_ACCESS_DENIED";
  return error;
}

function deny(object, key, what, why) {
  if (object == null) return;
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  if (!descriptor) return;
  const stub = function denied() {
    throw accessDenied(what, why);
  };
  // Writable (a subclass's prototype may assign its own method over it), not configurable.
  Object.defineProperty(object, key, { value: stub, writable: true, enumerable: descriptor.enumerable, configurable: false });
  lockdown.push(what);
}

const NO_NETWORK = "network access is blocked in the local action runtime (allow it explicitly with allowNetwork)";
const NOT_AVAILABLE = "not available in the local action runtime";

function removeGlobal(name) {
  if (Object.getOwnPropertyDescriptor(globalThis, name)) {
    delete globalThis[name];
    if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, writable: false, configurable: false });
    lockdown.push(`globalThis.${name}`);
  }
}

/** The native handle classes behind sockets, reached the way a script in this process could reach them. */
function handleClasses() {
  const out = {};
  try {
    const net = require("node:net");
    const socket = new net.Socket();
    // A lookup that never answers: connect() creates the TCP handle synchronously and then waits forever.
    socket.connect({ port: 9, host: "lookup.invalid", lookup() {} });
    if (socket._handle) out.TCP = socket._handle.constructor;
    socket.destroy();
  } catch {}
  try {
    const udp = require("node:dgram").createSocket("udp4");
    if (udp._handle) out.UDP = udp._handle.constructor;
    udp.close();
  } catch {}
  try {
    if (stdin._handle) out.Pipe = stdin._handle.constructor;
  } catch {}
  try {
    const resolver = new (require("node:dns").Resolver)();
    if (resolver._handle) out.ChannelWrap = resolver._handle.constructor;
  } catch {}
  return out;
}

function lockDownNetwork() {
  // Load every network module first (they extend each other's prototypes at load time), then disable.
  for (const name of ["net", "tls", "http", "https", "http2", "dgram", "dns"]) require(`node:${name}`);
  const classes = handleClasses();
  const net = require("node:net");
  for (const key of ["connect", "createConnection", "createServer", "_createServerHandle"]) deny(net, key, `net.${key}`, NO_NETWORK);
  deny(net.Socket.prototype, "connect", "net.Socket.connect", NO_NETWORK);
  deny(net.Server.prototype, "listen", "net.Server.listen", NO_NETWORK);
  deny(net.Server.prototype, "_listen2", "net.Server._listen2", NO_NETWORK);

  const tls = require("node:tls");
  for (const key of ["connect", "createServer"]) deny(tls, key, `tls.${key}`, NO_NETWORK);

  for (const name of ["http", "https"]) {
    const mod = require(`node:${name}`);
    for (const key of ["request", "get", "createServer"]) deny(mod, key, `${name}.${key}`, NO_NETWORK);
    deny(mod.Agent.prototype, "createConnection", `${name}.Agent.createConnection`, NO_NETWORK);
  }
  const http2 = require("node:http2");
  for (const key of ["connect", "createServer", "createSecureServer"]) deny(http2, key, `http2.${key}`, NO_NETWORK);

  const dgram = require("node:dgram");
  for (const key of ["bind", "connect", "send", "addMembership"]) deny(dgram.Socket.prototype, key, `dgram.Socket.${key}`, NO_NETWORK);
  deny(dgram, "createSocket", "dgram.createSocket", NO_NETWORK);
  deny(dgram, "Socket", "dgram.Socket", NO_NETWORK);

  const dns = require("node:dns");
  const dnsNames = (o) => Object.getOwnPropertyNames(o).filter((k) => /^(lookup|resolve|reverse)/.test(k) && typeof o[k] === "function");
  for (const key of dnsNames(dns)) deny(dns, key, `dns.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.Resolver.prototype)) deny(dns.Resolver.prototype, key, `dns.Resolver.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.promises)) deny(dns.promises, key, `dns.promises.${key}`, NO_NETWORK);
  for (const key of dnsNames(dns.promises.Resolver.prototype))
    deny(dns.promises.Resolver.prototype, key, `dns.promises.Resolver.${key}`, NO_NETWORK);

  // Below the modules: the handle classes a script could reach through an existing object (process.stdin._handle…).
  const handleMethods = {
    TCP: ["open", "bind", "bind6", "listen", "connect", "connect6"],
    UDP: ["open", "bind", "bind6", "connect", "connect6", "send", "send6", "recvStart"],
    Pipe: ["open", "bind", "listen", "connect"],
    ChannelWrap: [
      "queryAny",
      "queryA",
      "queryAaaa",
      "queryCaa",
      "queryCname",
      "queryMx",
      "queryNs",
      "queryTxt",
      "querySrv",
      "queryPtr",
      "queryNaptr",
      "querySoa",
      "queryTlsa",
      "getHostByAddr",
    ],
  };
  for (const [name, methods] of Object.entries(handleMethods)) {
    const Class = classes[name];
    if (!Class) continue;
    for (const m of methods) deny(Class.prototype, m, `${name}.${m}`, NO_NETWORK);
  }

  for (const name of ["fetch", "WebSocket", "EventSource"]) removeGlobal(name);
}

function lockDownProcess() {
  // The inspector listens on a port and evaluates strings; trace files are written into the working directory.
  const inspector = require("node:inspector");
  deny(inspector, "open", "inspector.open", NOT_AVAILABLE);
  deny(inspector.Session.prototype, "connect", "inspector.Session.connect", NOT_AVAILABLE);
  deny(inspector.Session.prototype, "connectToMainThread", "inspector.Session.connectToMainThread", NOT_AVAILABLE);
  deny(require("node:trace_events"), "createTracing", "trace_events.createTracing", NOT_AVAILABLE);
  // Signals to other processes (SIGUSR1 opens a Node process's inspector; kill(-1) reaches every process of the user).
  for (const key of ["kill", "_kill", "_debugProcess", "_debugEnd", "execve"]) deny(process, key, `process.${key}`, NOT_AVAILABLE);
  deny(require("node:os"), "setPriority", "os.setPriority", NOT_AVAILABLE);
  // Raw module and binding loaders: the permission model refuses process.binding and --no-addons refuses dlopen;
  // they are replaced as well, and getBuiltinModule would hand out modules without going through require.
  for (const key of ["binding", "_linkedBinding", "dlopen", "getBuiltinModule"]) deny(process, key, `process.${key}`, NOT_AVAILABLE);
}

/* ---------------------------------------------------------------- what actions share ------------------------ */

/**
 * Every action loaded in this process reaches the same runner-realm objects: the allowed modules, the classes and
 * functions handed to each context as globals, and the prototypes of the objects they return. Anything one action
 * can change there, another action (and this runner) would see, so before any action code loads, everything
 * reachable from them is frozen (docs/action-sandbox.md, "What actions share"). --frozen-intrinsics has already
 * frozen the realm's JavaScript intrinsics (Object.prototype, Array.prototype, ...); this covers Node's own objects.
 */
const SHARED_STATE_WHY = "it is shared by every action in the local action runtime";

/** Objects of this runner that are reachable by nothing an action gets (walking into them would freeze live state). */
const notShared = new Set([globalThis, process, stdin, stdout, process.stderr]);
const liveAgents = new Set();
/** Shared settings whose setter cannot be replaced: { object, key, value } as they were before any action loaded. */
const settingsToRestore = [];

function restoreSettings() {
  for (const { object, key, value } of settingsToRestore) {
    if (!Object.is(object[key], value)) object[key] = value;
  }
}

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

/** A data property on a prototype, as a getter and a setter that gives an instance its own property (SES calls this
 * "enablePropertyOverrides"): frozen, `instance.x = v` would otherwise throw for every `x` the prototype has, and
 * Node's own code assigns such properties (EventEmitter's `_events`, a stream's `destroy`, ...). */
function overridable(object, key, descriptor, made) {
  const value = descriptor.value;
  // Accessor methods, not functions: they have no `prototype` object of their own to share.
  const { get: getter, set: setter } = Object.getOwnPropertyDescriptor(
    {
      get value() {
        return value;
      },
      set value(next) {
        if (this === object) throw new TypeError(`Cannot assign to read only property '${String(key)}': ${SHARED_STATE_WHY}`);
        Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
    },
    "value",
  );
  made.push(getter, setter);
  Object.defineProperty(object, key, { get: getter, set: setter, enumerable: descriptor.enumerable, configurable: false });
}

/** A setter on a shared object other than a prototype (util.inspect.defaultOptions, ...) changes state every action
 * reads: it throws instead. */
function refusingSetter(key, made) {
  const { set: setter } = Object.getOwnPropertyDescriptor(
    {
      set value(_) {
        throw new TypeError(`Cannot set ${String(key)}: ${SHARED_STATE_WHY}`);
      },
    },
    "value",
  );
  made.push(setter);
  return setter;
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

/** Freezes everything reachable from `roots` (own properties, accessors' functions, prototypes). */
function freezeReachable(roots) {
  const seen = new Set();
  const prototypes = new Set();
  const reachedUnshared = new Set();
  const queue = [...roots];
  const visit = (value) => {
    if (value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return;
    if (liveAgents.has(value)) return;
    if (notShared.has(value)) reachedUnshared.add(value);
    else queue.push(value);
  };
  while (queue.length > 0) {
    const object = queue.pop();
    if (seen.has(object)) continue;
    seen.add(object);
    const proto = Object.getPrototypeOf(object);
    if (proto !== null) prototypes.add(proto);
    visit(proto);
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor) continue;
      if ("value" in descriptor) {
        visit(descriptor.value);
        if (key === "prototype" && typeof object === "function" && descriptor.value) prototypes.add(descriptor.value);
      } else {
        visit(descriptor.get);
        visit(descriptor.set);
        // A lazily created module property (crypto.webcrypto, events.EventEmitterAsyncResource, ...) is shared too.
        if (descriptor.get && (typeof object === "function" || !prototypes.has(object))) {
          try {
            visit(descriptor.get.call(object));
          } catch {}
        }
      }
    }
  }
  const made = [];
  for (const object of seen) {
    if (Object.isFrozen(object)) continue;
    const isPrototype = prototypes.has(object);
    let stillWritable = false;
    for (const key of Reflect.ownKeys(object)) {
      const descriptor = Object.getOwnPropertyDescriptor(object, key);
      if (!descriptor) continue;
      if (!descriptor.configurable && descriptor.set && descriptor.get && (!isPrototype || typeof object === "function")) {
        // A setter Node made non-configurable (events.defaultMaxListeners): put back before every load and call.
        settingsToRestore.push({ object, key, value: descriptor.get.call(object) });
        continue;
      }
      if (!descriptor.configurable) {
        // Such a property cannot become an accessor, and freezing it would break every instance's assignment to it
        // (ownCaptureFlag handles the one Node 20 has); it stays writable, and test/actions/isolation.test.ts fails.
        if (isPrototype && descriptor.writable && !(key === "prototype" && typeof object === "function")) stillWritable = true;
        continue;
      }
      if ("value" in descriptor) {
        if (isPrototype && descriptor.writable) overridable(object, key, descriptor, made);
      } else if (descriptor.set && (!isPrototype || typeof object === "function")) {
        Object.defineProperty(object, key, {
          get: descriptor.get,
          set: refusingSetter(key, made),
          enumerable: descriptor.enumerable,
          configurable: false,
        });
      }
    }
    if (stillWritable) {
      for (const key of Reflect.ownKeys(object)) {
        const descriptor = Object.getOwnPropertyDescriptor(object, key);
        if (descriptor.configurable || (key === "prototype" && typeof object === "function"))
          Object.defineProperty(object, key, "value" in descriptor ? { writable: false, configurable: false } : { configurable: false });
      }
      Object.preventExtensions(object);
    } else Object.freeze(object);
  }
  for (const fn of made) Object.freeze(fn);
  // Reaching this process or its global from an allowed module would be a way out of the context, not only a channel.
  if (reachedUnshared.size > 0) throw new Error(`the action runtime's shared objects lead to the runner's own objects`);
  return seen.size;
}

function freezeShared() {
  const names = [...ACTION_MODULES, ...(NETWORK ? NETWORK_ACTION_MODULES : [])];
  const modules = {};
  for (const name of names) modules[name] = require(`node:${name}`);
  // The connection agents are live objects (their sockets and queues change with every request): not frozen. They
  // exist only with --allow-network, which the `action` command offers for its one action.
  if (NETWORK) for (const name of ["http", "https"]) liveAgents.add(modules[name].globalAgent);
  // Pooled Buffers are slices of one shared ArrayBuffer: an action holding one would read what is written after it
  // (another action's Buffer.from(secret), this runner's replies). Every Buffer gets its own memory instead.
  Buffer.poolSize = 0;
  refuseGlobalSettings(modules);
  const roots = [
    ...Object.values(modules),
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    structuredClone,
    globalThis.crypto,
    ...(NETWORK && typeof fetch === "function" ? [fetch] : []),
    // Their prototypes only: an instance's own state is its own.
    ...sampleInstances(modules).map((instance) => Object.getPrototypeOf(instance)),
  ];
  const frozen = freezeReachable(roots);
  // Not frozen, but no action can add to them or swap their prototype.
  for (const agent of liveAgents) Object.preventExtensions(agent);
  return frozen;
}

if (!NETWORK) lockDownNetwork();
lockDownProcess();
nodeModule.syncBuiltinESMExports();
const sharedObjectsFrozen = freezeShared();

const permission = process.permission;
const permissionState = {
  active: Boolean(permission),
  fsWrite: permission ? permission.has("fs.write") : true,
  fsReadOutside: permission ? permission.has("fs.read", "/etc/passwd") : true,
  childProcess: permission ? permission.has("child") : true,
  worker: permission ? permission.has("worker") : true,
};

process.on("uncaughtException", () => {});
process.on("unhandledRejection", () => {});

/* ---------------------------------------------------------------- frames ------------------------------------ */

function send(message) {
  let json = stringify(message);
  let bytes = byteLength(json, "utf8");
  if (bytes > LIMITS.frameBytes && message.id !== undefined) {
    json = stringify({
      id: message.id,
      ok: false,
      error: { kind: "too-large", message: `the action's output is larger than ${LIMITS.frameBytes} bytes` },
    });
    bytes = byteLength(json, "utf8");
  }
  // Buffer.alloc, not allocUnsafe: the frame is written whole, but nothing of old memory should be able to leave.
  const frame = Buffer.alloc(4 + bytes);
  frame.writeUInt32BE(bytes, 0);
  frame.write(json, 4, "utf8");
  writeOut(frame);
}

let pending = Buffer.alloc(0);
let queue = Promise.resolve();
const fail = (id) => (e) => send({ id, ok: false, error: { kind: "internal", message: clip(String(e && e.stack), LIMITS.errorChars) } });
stdin.on("data", (chunk) => {
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
    } catch {
      process.exit(70); // the host only sends such frames: this process has been tampered with
    }
    if (request.type === "calls" && Array.isArray(request.calls)) {
      let at = 0;
      const calls = request.calls.map((c) => {
        const eventText = request.tail.toString("utf8", at, at + c.eventBytes);
        at += c.eventBytes;
        return { ...c, eventText };
      });
      queue = queue.then(() => runBatch(calls)).catch(() => undefined);
      continue;
    }
    queue = queue.then(() => handle(request)).then(send, fail(request.id));
  }
});
stdin.on("end", () => process.exit(0));

/* ---------------------------------------------------------------- the action's context ---------------------- */

const logSink = new AsyncLocalStorage();
const cache = new Map();

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

function log(rec, line) {
  if (!rec) return;
  if (rec.logBytes >= LIMITS.logBytes) {
    rec.logsDropped += 1;
    return;
  }
  const text = clip(line, LIMITS.logLineChars);
  rec.logBytes += byteLength(text, "utf8");
  rec.logs.push(text);
}

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

const requireErrors = new WeakSet();

function requireError(specifier, why) {
  const error = new Error(`require("${specifier}"): ${why}`);
  error.code = "ERR_ACCESS_DENIED";
  requireErrors.add(error);
  return error;
}

const ALLOWED_TEXT = `an action may require ${ACTION_MODULES.join(", ")}; with --allow-network also ${NETWORK_ACTION_MODULES.join(", ")}`;

function sandboxRequire(specifier) {
  const text = String(specifier);
  const name = text.startsWith("node:") ? text.slice(5) : text;
  if (ACTION_MODULES.includes(name) || (NETWORK && NETWORK_ACTION_MODULES.includes(name))) return require(`node:${name}`);
  if (NETWORK_ACTION_MODULES.includes(name))
    throw requireError(text, "network access is blocked in the local action runtime (allow it explicitly with --allow-network)");
  if (builtins.has(name) || nodeModule.isBuiltin(text))
    throw requireError(text, `this Node built-in is not available to actions in the local runtime (${ALLOWED_TEXT})`);
  throw requireError(text, `only Node built-ins are available at run time; bundle other modules into the action (${ALLOWED_TEXT})`);
}

/** Runs `fn` inside the context under vm's timeout: its synchronous part is stopped at `ms`. */
function bounded(entry, fn, ms) {
  entry.context.__call = fn;
  try {
    return entry.invoke.runInContext(entry.context, { timeout: Math.max(1, Math.floor(ms)) });
  } finally {
    entry.context.__call = undefined;
  }
}

/** A context of the runner's own for reading values that action code handed over (see examine). */
const GUARD = {
  context: vm.createContext(Object.create(null), { name: "runner guard", codeGeneration: { strings: false, wasm: false } }),
  invoke: new vm.Script("globalThis.__call()", { filename: "runner-guard.js" }),
};

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

function newContext(sha) {
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
  if (NETWORK && typeof fetch === "function") globals.fetch = fetch;
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

function failure(id, kind, message) {
  return { id, ok: false, error: { kind, message: clip(message, LIMITS.errorChars) } };
}

function listExports(entry) {
  return bounded(
    entry,
    () => {
      const exported = entry.module.exports;
      if (exported === null || (typeof exported !== "object" && typeof exported !== "function")) return { names: [], functions: [] };
      const names = Object.keys(exported);
      if (names.length > LIMITS.exportNames) return { tooMany: names.length };
      const functions = names.filter((n) => typeof exported[n] === "function");
      return { names: names.map(String), functions: functions.map(String) };
    },
    1000,
  );
}

function load(request) {
  const hit = cache.get(request.sha);
  if (hit) {
    cache.delete(request.sha);
    cache.set(request.sha, hit);
    return { id: request.id, ok: true, exports: hit.exports, functions: hit.functions };
  }
  const entry = newContext(request.sha);
  try {
    const wrapper = new vm.Script(`(function (exports, require, module) {\n${request.code}\n})`, {
      filename: `action-${request.sha.slice(0, 12)}.js`,
    });
    const fn = wrapper.runInContext(entry.context);
    bounded(entry, () => fn(entry.module.exports, sandboxRequire, entry.module), request.timeoutMs);
  } catch (error) {
    const seen = examine(error);
    if (seen.timeout) return failure(request.id, "timeout", `the action's top level did not finish within ${request.timeoutMs} ms`);
    if (seen.require) return failure(request.id, "require", seen.message);
    return failure(request.id, "threw", `the action's top level failed: ${seen.message}`);
  }
  let listed;
  try {
    listed = listExports(entry);
  } catch (error) {
    const seen = examine(error);
    if (seen.timeout) return failure(request.id, "timeout", "listing the action's exports did not finish within 1000 ms");
    return failure(request.id, "threw", `listing the action's exports failed: ${seen.message}`);
  }
  if (listed.tooMany !== undefined)
    return failure(request.id, "too-large", `the action exports ${listed.tooMany} names (at most ${LIMITS.exportNames})`);
  if (listed.names.some((n) => n.length > LIMITS.exportNameChars))
    return failure(request.id, "too-large", `an export name is longer than ${LIMITS.exportNameChars} characters`);
  entry.exports = listed.names;
  entry.functions = listed.functions;
  if (cache.size >= LIMITS.cachedBundles) cache.delete(cache.keys().next().value);
  cache.set(request.sha, entry);
  return { id: request.id, ok: true, exports: entry.exports, functions: entry.functions };
}

/* ---------------------------------------------------------------- one execution ----------------------------- */

function recorder() {
  return { ops: [], logs: [], logBytes: 0, logsDropped: 0, claimBytes: 0, overflow: {}, denied: false };
}

function tokenApi(rec, token) {
  return {
    setCustomClaim(name, value) {
      const claim = String(name);
      if (typeof value === "string" && value.length > LIMITS.claimBytes) {
        // Past the budget by its length alone (every character is at least one byte): counted without copying it,
        // so a huge value cannot exhaust the child's small heap on the way to being dropped.
        overflowed(rec, token, claim, byteLength(claim, "utf8") + value.length + 2);
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
      const bytes = byteLength(claim, "utf8") + (json === undefined ? 0 : byteLength(json, "utf8"));
      if (rec.claimBytes + bytes > LIMITS.claimBytes) {
        overflowed(rec, token, claim, bytes);
        return;
      }
      rec.claimBytes += bytes;
      rec.ops.push(json === undefined ? { op: "claim", token, name: claim } : { op: "claim", token, name: claim, json });
    },
  };
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
  const denyOp = (code, reason) => {
    if (rec.denied) return;
    rec.denied = true;
    rec.ops.push({ op: "deny", ...(code !== undefined ? { code: text(code) } : {}), reason: text(reason) });
  };
  if (trigger === "credentials-exchange") {
    return { accessToken, access: { deny: (code, reason) => denyOp(code, reason) }, cache: cacheApi() };
  }
  return {
    idToken: tokenApi(rec, "id"),
    accessToken,
    access: { deny: (reason) => denyOp(undefined, reason) },
    user: { setAppMetadata: noted("user.setAppMetadata"), setUserMetadata: noted("user.setUserMetadata") },
    multifactor: { enable: noted("multifactor.enable") },
    cache: cacheApi(),
  };
}

function result(id, rec) {
  if (rec.logsDropped > 0)
    rec.logs.push(`[local runtime] ${rec.logsDropped} more log line(s) dropped (at most ${LIMITS.logBytes} bytes of logs per execution)`);
  return { id, ok: true, ops: rec.ops, logs: rec.logs, overflow: rec.overflow };
}

/**
 * A batch: calls of one bundle that arrived in one frame. Their synchronous starts run in sections that share one
 * vm timeout (each timeout costs a watchdog thread): a section starts calls only while the batch is younger than
 * START_WINDOW_MS and has the limit of its calls plus that window, so a call it stops had run its whole own limit.
 * Calls not started in the window are handed back (`later`). Each started call then finishes under its own limit,
 * counted from its own start, and is answered as it ends; the batch ends when all have.
 */
const START_WINDOW_MS = 10;

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

async function runBatch(calls) {
  restoreSettings();
  const batchStart = Date.now();
  const finishing = [];
  let next = 0;
  while (next < calls.length) {
    const first = calls[next];
    const entry = cache.get(first.sha);
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

async function handle(request) {
  restoreSettings();
  if (request.type === "load") return load(request);
  return failure(request.id, "internal", `unknown request type ${String(request.type)}`);
}

send({
  type: "ready",
  node: process.version,
  network: NETWORK ? "allowed" : "blocked",
  permission: permissionState,
  lockdown,
  shared: sharedObjectsFrozen,
});
