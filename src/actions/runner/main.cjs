"use strict";
/*
 * The action host's child process (started by src/actions/sandbox.ts; plain CommonJS so the child needs no loader).
 *
 * The host starts it with the Node permission model (no file system access except this folder, no child processes,
 * no workers, no addons, no WASI), an empty environment, no code generation from strings, a small heap and pipes
 * for stdio. Before any action code loads, this file disables the network entry points (unless the host asked for
 * network access), trace files, signals to other processes and the raw binding loaders (lockdown.cjs) and freezes
 * what actions share (shared.cjs), then reads requests.
 *
 * Protocol (frames.cjs):
 *   host → child  { id, type: "load", sha, code, timeoutMs }   → { id, ok: true, exports, functions }
 *                 { type: "calls", calls: [{ id, sha, trigger, handler, timeoutMs, eventBytes }] } and the calls'
 *                 events as JSON text, one after the other → per call, in order: { id, ok: true, ops, logs, overflow }
 *   child → host  { type: "ready", ... } once at start; { id, ok: false, error: { kind, message } } on failure.
 * Action code runs in one node:vm context per bundle (context.cjs, kept warm by loader.cjs), with Auth0-shaped
 * `event` and `api` objects whose calls are recorded (auth0-api.cjs, recorder.cjs); the host applies Auth0's claim
 * rules to what was recorded.
 */

const options = JSON.parse(process.argv[2] || "{}");
const NETWORK = options.network === true;

// The protocol's pipes, set up before the lockdown.
const stdin = process.stdin;
const stdout = process.stdout;
const writeOut = stdout.write.bind(stdout);
const cork = stdout.cork.bind(stdout);
const uncork = stdout.uncork.bind(stdout);
const nextTick = process.nextTick;
void process.stderr;

const nodeModule = require("node:module");
const { replyFrame, requestReader } = require("./frames.cjs");
const { lockdown, lockDownNetwork, lockDownProcess } = require("./lockdown.cjs");
const { freezeShared } = require("./shared.cjs");
const { restoreSettings } = require("./freeze.cjs");
const { failure } = require("./describe-error.cjs");
const { bundleCache } = require("./loader.cjs");
const { actionRequire } = require("./modules.cjs");
const { runBatch } = require("./batch.cjs");

if (!NETWORK) lockDownNetwork();
lockDownProcess();
nodeModule.syncBuiltinESMExports();
const sandboxRequire = actionRequire(NETWORK);
const sharedObjectsFrozen = freezeShared(NETWORK, sandboxRequire);

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

const bundles = bundleCache(NETWORK, sandboxRequire);
// The replies that end in one turn (a batch's calls finish together) leave in one write: corked until the microtasks
// of the turn have run, then written at once (a pipe's writes are synchronous system calls, each a host read too).
// They also leave before the next request's action code starts: a later frame that never yields must not hold back
// the answer of one that finished (the host would count that call as stopped).
let corked = false;
const flushReplies = () => {
  if (!corked) return;
  corked = false;
  uncork();
};
const send = (message) => {
  if (!corked) {
    corked = true;
    cork();
    nextTick(flushReplies);
  }
  writeOut(replyFrame(message));
};
const fail = (id) => (e) => send(failure(id, "internal", String(e && e.stack)));

async function handle(request) {
  flushReplies();
  restoreSettings();
  if (request.type === "load") return bundles.load(request);
  return failure(request.id, "internal", `unknown request type ${String(request.type)}`);
}

let queue = Promise.resolve();
stdin.on(
  "data",
  requestReader(
    (request) => {
      if (request.type === "calls")
        queue = queue
          .then(() => {
            flushReplies();
            return runBatch(request.calls, bundles, send, fail);
          })
          .catch(() => undefined);
      else queue = queue.then(() => handle(request)).then(send, fail(request.id));
    },
    () => process.exit(70), // the host only sends such frames: this process has been tampered with
  ),
);
stdin.on("end", () => process.exit(0));

send({
  type: "ready",
  node: process.version,
  network: NETWORK ? "allowed" : "blocked",
  permission: permissionState,
  lockdown,
  shared: sharedObjectsFrozen,
});
