import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * The action host: bundled action code (untrusted: it arrives in pull requests) runs only in a separate Node
 * process, never in this one. See src/actions/runner.cjs for the child's side.
 *
 * The child is started with the Node permission model (it may read runner.cjs and nothing else; no file writes,
 * child processes, workers, addons or WASI), an empty environment, code generation from strings disabled, a small
 * heap and pipes for stdio. The runner disables the network entry points before any action code loads. Every load
 * and every call has a wall-clock limit after which the child is SIGKILLed (a busy loop, even after an await, or a
 * self-rearming timer cannot hang the caller); its memory and the size of what it sends back are bounded too.
 * One child is kept per network policy and reused (warm bundles); the next request after a kill starts a fresh one.
 */

import { ActionLoadError, ActionRunError } from "../errors";

export { ActionLoadError, ActionRunError };

export const sha256 = (code: string) => createHash("sha256").update(code).digest("hex");

/**
 * A limit that the environment variable `name` may lower, never raise (test harnesses use it so that a hostile
 * action's case does not wait out the full limit; docs/action-sandbox.md).
 */
export function lowerable(limit: number, name: string): number {
  const lowered = Number(process.env[name]);
  return Number.isInteger(lowered) && lowered > 0 && lowered < limit ? lowered : limit;
}

export const HOST_LIMITS = {
  /** V8 heap of the child (--max-old-space-size). */
  heapMb: 64,
  /** Resident memory of the child (Buffers live outside the V8 heap); polled all its life. */
  rssMb: 384,
  /** How often the child's memory and CPU time are read (Linux /proc). */
  watchIntervalMs: 100,
  /** Between requests the child may use at most this share of a CPU over `idleCpuWindowMs` (code left running). */
  idleCpuShare: 0.25,
  idleCpuWindowMs: 1_000,
  /** Largest reply frame the host accepts; the runner itself caps replies at 1 MiB. */
  frameBytes: 2 * 1024 * 1024,
  /** Default limit for a bundle's top level. */
  loadTimeoutMs: lowerable(5_000, "AUTH0_TENANT_ACTION_LOAD_LIMIT_MS"),
  /** How long a fresh child may take to start and report its permissions. */
  startTimeoutMs: 10_000,
  stderrTailBytes: 8 * 1024,
} as const;

const RUNNER = path.join(__dirname, "runner.cjs");

/**
 * The permission model's flag for a Node version: `--permission` since 22.13 / 23.5 (where it became stable); older
 * versions only know `--experimental-permission`, and Node 24 dropped that alias.
 */
export function permissionFlag(version: string): "--permission" | "--experimental-permission" {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  if (major < 20) throw new ActionLoadError(`Node ${version} has no permission model; the action host needs Node 20 or newer`);
  if (major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)) return "--permission";
  return "--experimental-permission";
}

export interface ActionHostOptions {
  /** Leaves the network entry points in place (npx auth0-tenant action --allow-network); fs and processes stay blocked. */
  allowNetwork?: boolean;
  /**
   * Tests only: allows code generation from strings in the child, so that a test can simulate a vm escape
   * (`Buffer.constructor("return process")()`) and check what the permission model and the lockdown still block.
   */
  unsafeAllowCodeGenerationForTests?: boolean;
}

/** The arguments the child is started with (exported so tests can check them). */
export function childArguments(options: ActionHostOptions, runner = RUNNER): string[] {
  const network = options.allowNetwork === true;
  return [
    permissionFlag(process.version),
    `--allow-fs-read=${runner}`,
    "--no-addons",
    "--frozen-intrinsics",
    ...(options.unsafeAllowCodeGenerationForTests ? [] : ["--disallow-code-generation-from-strings"]),
    `--max-old-space-size=${HOST_LIMITS.heapMb}`,
    "--no-warnings",
    // Node 25 added network to the permission model: there it needs an explicit grant.
    ...(network && process.allowedNodeEnvironmentFlags.has("--allow-net") ? ["--allow-net"] : []),
    runner,
    JSON.stringify({ network }),
  ];
}

type FailureKind =
  | "timeout"
  | "memory"
  | "too-large"
  | "malformed"
  | "crashed"
  | "gone"
  | "start"
  | "threw"
  | "require"
  | "no-handler"
  | "not-loaded"
  | "internal"
  | "later"
  | "beside";

class HostFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

interface Awaited {
  id: number;
  limitMs: number;
  what: string;
  resolve: (reply: Reply) => void;
  reject: (error: HostFailure) => void;
}

interface QueuedCall extends Awaited {
  header: { id: number; sha: string; trigger: string; handler: string; timeoutMs: number; eventBytes: number };
  event: Buffer;
  /** Sent in a frame of its own (a call tried again after a child was stopped while it ran beside others). */
  solo: boolean;
}

/** Requests sent in one frame; answered in any order (the calls of a batch overlap in the child). */
interface Frame {
  requests: Map<number, Awaited>;
  /** The longest a request of the frame may take in the child (runner.cjs runBatch: its limit plus the start window). */
  limitMs: number;
  /** What the backstop's message names: the action and its own limit. */
  what: string;
  reportMs: number;
}

/** Most calls sent in one frame. */
const MAX_BATCH = 64;
/** runner.cjs START_WINDOW_MS: a batch's calls start within it; a call's limit may run from its end. */
const START_WINDOW_MS = 10;

interface Reply {
  id: number;
  ok: boolean;
  error?: { kind: string; message: string };
  [field: string]: unknown;
}

interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  loaded: Set<string>;
  buffer: Buffer;
  stderr: string;
  /** Frames sent and not fully answered, in order: the child runs one frame after another, so only the first's limit runs. */
  awaiting: Frame[];
  /** Calls waiting for the next frame: the calls that arrive together go to the child in one write. */
  queued: QueuedCall[];
  flushScheduled: boolean;
  limitTimer?: NodeJS.Timeout;
  /** Why the host stopped it, when it did. */
  stopped?: HostFailure;
  /** Recent CPU readings once it is ready: [time, cpu ms, a request was pending]. */
  samples: [number, number, boolean][];
  isReady: boolean;
  exited: boolean;
  exitInfo?: string;
}

export interface ClaimOp {
  op: "claim";
  token: string;
  name: string;
  json?: string;
  error?: string;
}
export interface DenyOp {
  op: "deny";
  code?: string;
  reason?: string;
}
export interface CallReply {
  ops: (ClaimOp | DenyOp)[];
  logs: string[];
  overflow: Record<string, { bytes: number; names: string[] }>;
}

const live = new Set<ChildProcess>();
let exitHook = false;

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

function rssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * A frame to the child: its length, the length of a JSON header, the header, then raw bytes the header describes
 * (the calls' events, as JSON text the child parses in the action's own context, so they are not copied on the way).
 */
function frame(message: unknown, tail: readonly Buffer[] = []): Buffer {
  const json = JSON.stringify(message);
  const jsonBytes = Buffer.byteLength(json, "utf8");
  let length = 4 + jsonBytes;
  for (const b of tail) length += b.length;
  const out = Buffer.allocUnsafe(4 + length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(jsonBytes, 4);
  out.write(json, 8, "utf8");
  let at = 8 + jsonBytes;
  for (const b of tail) at += b.copy(out, at);
  return out;
}

const shaCache = new Map<string, string>();
function digestOf(code: string): string {
  let digest = shaCache.get(code);
  if (digest === undefined) {
    digest = sha256(code);
    if (shaCache.size >= 256) shaCache.delete(shaCache.keys().next().value!);
    shaCache.set(code, digest);
  }
  return digest;
}

export class ActionHost {
  private child?: Child;
  private chain: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** How many children this host has started (tests and the benchmark read it). */
  spawned = 0;

  constructor(readonly options: ActionHostOptions = {}) {}

  /** The child's process id while one runs. */
  get pid(): number | undefined {
    return this.child && !this.child.exited ? this.child.proc.pid : undefined;
  }

  /** Loads a bundle's top level in the child (once per bundle and child) and lists its exports. */
  load(code: string, timeoutMs: number = HOST_LIMITS.loadTimeoutMs): Promise<{ exports: string[]; functions: string[] }> {
    return this.serialised(() => this.loadNow(code, digestOf(code), timeoutMs));
  }

  /**
   * Runs one handler of a bundle on an event in the child; the bundle is loaded first when needed. Calls of one
   * bundle that arrive together are sent in one frame, and the child starts them together (runner.cjs runBatch),
   * each under its own limits.
   */
  execute(request: {
    code: string;
    trigger: string;
    handler: string;
    event: unknown;
    timeoutMs: number;
    loadTimeoutMs?: number;
  }): Promise<CallReply> {
    const sha = digestOf(request.code);
    const event = Buffer.from(JSON.stringify(request.event) ?? "null", "utf8");
    return (async () => {
      let solo = false;
      for (let attempt = 0, notRun = 0; ;) {
        try {
          const child = await this.withBundle(request.code, sha, request.loadTimeoutMs ?? HOST_LIMITS.loadTimeoutMs);
          try {
            const reply = await this.call(child, {
              header: {
                id: 0,
                sha,
                trigger: request.trigger,
                handler: request.handler,
                timeoutMs: request.timeoutMs,
                eventBytes: event.length,
              },
              event,
              limitMs: request.timeoutMs,
              what: `the ${request.trigger} action`,
              solo,
            });
            if (!Array.isArray(reply.ops) || !isStringArray(reply.logs) || typeof reply.overflow !== "object" || reply.overflow === null) {
              throw this.stop(child, new HostFailure("malformed", "the action host sent a malformed reply"));
            }
            return { ops: reply.ops as CallReply["ops"], logs: reply.logs, overflow: reply.overflow as CallReply["overflow"] };
          } catch (e) {
            // Nothing of it ran (not started in its batch's start window, or its child was stopped first): again.
            if (e instanceof HostFailure && (e.kind === "later" || e.kind === "gone") && notRun++ < 20) {
              if (e.kind === "gone") child.loaded.delete(sha);
              continue;
            }
            // The child dropped the bundle from its cache, or was stopped while this call ran beside others (one of
            // them hit a limit the child could not enforce itself): once more, alone, so only the culprit fails.
            if (e instanceof HostFailure && (e.kind === "not-loaded" || e.kind === "beside") && attempt++ === 0) {
              child.loaded.delete(sha);
              solo = true;
              continue;
            }
            throw e;
          }
        } catch (e) {
          throw e instanceof HostFailure ? new ActionRunError(e.message) : e;
        }
      }
    })();
  }

  /** A ready child with the bundle loaded: at once when it is, else after the loads and starts queued before. */
  private withBundle(code: string, sha: string, loadTimeoutMs: number): Promise<Child> {
    const child = this.child;
    if (child && child.isReady && !child.exited && !child.stopped && child.loaded.has(sha)) return Promise.resolve(child);
    return this.serialised(async () => {
      let ready = await this.ensure();
      if (!ready.loaded.has(sha)) {
        await this.loadNow(code, sha, loadTimeoutMs);
        ready = await this.ensure();
      }
      return ready;
    });
  }

  /** Queues a call for the child's next frame (sent once this turn of the event loop has queued what it has). */
  private call(child: Child, call: Omit<QueuedCall, "id" | "resolve" | "reject">): Promise<Reply> {
    if (child.exited || child.stopped)
      return Promise.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
    return new Promise<Reply>((resolve, reject) => {
      const id = this.nextId++;
      call.header.id = id;
      child.queued.push({ ...call, id, resolve, reject });
      keepAlive(child, true);
      if (!child.flushScheduled) {
        child.flushScheduled = true;
        setImmediate(() => this.flush(child));
      }
    });
  }

  /** Sends the queued calls: one frame per bundle (a batch's calls overlap: only one action's), at most MAX_BATCH. */
  private flush(child: Child): void {
    child.flushScheduled = false;
    const batches: QueuedCall[][] = [];
    const open = new Map<string, QueuedCall[]>();
    for (const c of child.queued.splice(0)) {
      let batch = c.solo ? undefined : open.get(c.header.sha);
      if (!batch || batch.length >= MAX_BATCH) {
        batch = [];
        batches.push(batch);
        if (!c.solo) open.set(c.header.sha, batch);
      }
      batch.push(c);
    }
    for (const batch of batches) {
      if (child.exited || child.stopped) {
        for (const c of batch) c.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
        continue;
      }
      this.send(
        child,
        batch,
        frame(
          { type: "calls", calls: batch.map((c) => c.header) },
          batch.map((c) => c.event),
        ),
      );
    }
  }

  /** Stops the child (a later request starts a new one). */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exited) return;
    const exited = new Promise<void>((resolve) => child.proc.once("exit", () => resolve()));
    keepAlive(child, true); // an idle child is unref'd: without this, awaiting its exit would not keep this process alive
    child.stopped ??= new HostFailure("crashed", "the action host was closed");
    child.proc.kill("SIGKILL");
    await exited;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async loadNow(code: string, sha: string, timeoutMs: number): Promise<{ exports: string[]; functions: string[] }> {
    const child = await this.ensure().catch((e: unknown) => {
      throw e instanceof HostFailure ? new ActionLoadError(e.message) : e;
    });
    try {
      const reply = await this.exchange(child, { type: "load", sha, code, timeoutMs }, timeoutMs, "the action's top level");
      if (!isStringArray(reply.exports) || !isStringArray(reply.functions))
        throw this.stop(child, new HostFailure("malformed", "the action host sent a malformed reply"));
      child.loaded.add(sha);
      return { exports: reply.exports, functions: reply.functions.filter((f) => (reply.exports as string[]).includes(f)) };
    } catch (e) {
      throw e instanceof HostFailure ? new ActionLoadError(e.message) : e;
    }
  }

  private ensure(): Promise<Child> {
    if (this.child && !this.child.exited && !this.child.stopped) {
      const child = this.child;
      return child.ready.then(() => child);
    }
    const child = this.start();
    this.child = child;
    return child.ready.then(() => child);
  }

  private start(): Child {
    const runner = realpathSync(RUNNER);
    if (runner.includes(","))
      throw new ActionLoadError(`the project path ${runner} contains a comma, which the permission model's --allow-fs-read cannot express`);
    const proc = spawn(process.execPath, childArguments(this.options, runner), {
      env: {},
      cwd: tmpdir(),
      stdio: ["pipe", "pipe", "pipe"],
      windowsHide: true,
    });
    this.spawned += 1;
    live.add(proc);
    if (!exitHook) {
      exitHook = true;
      process.once("exit", () => {
        for (const p of live) p.kill("SIGKILL");
      });
    }
    let readyResolve!: () => void;
    let readyReject!: (e: HostFailure) => void;
    const child: Child = {
      proc,
      ready: new Promise<void>((resolve, reject) => {
        readyResolve = resolve;
        readyReject = reject;
      }),
      loaded: new Set(),
      buffer: Buffer.alloc(0),
      stderr: "",
      exited: false,
      samples: [],
      isReady: false,
      awaiting: [],
      queued: [],
      flushScheduled: false,
    };
    child.ready.catch(() => undefined);
    const watch = setInterval(() => this.watch(child), HOST_LIMITS.watchIntervalMs);
    watch.unref();
    const startTimer = setTimeout(
      () => this.stop(child, new HostFailure("start", `the action host did not start within ${HOST_LIMITS.startTimeoutMs} ms`)),
      HOST_LIMITS.startTimeoutMs,
    );
    let started = false;

    proc.stdin!.on("error", () => undefined);
    proc.stderr!.on("data", (chunk: Buffer) => {
      child.stderr = (child.stderr + chunk.toString("utf8")).slice(-HOST_LIMITS.stderrTailBytes);
    });
    proc.stdout!.on("data", (chunk: Buffer) => {
      child.buffer = child.buffer.length === 0 ? chunk : Buffer.concat([child.buffer, chunk]);
      while (child.buffer.length >= 4 && !child.stopped) {
        const length = child.buffer.readUInt32BE(0);
        if (length > HOST_LIMITS.frameBytes) {
          this.stop(child, new HostFailure("too-large", `the action's output is larger than ${HOST_LIMITS.frameBytes} bytes`));
          return;
        }
        if (child.buffer.length < 4 + length) return;
        let message: Reply | { type?: string };
        try {
          message = JSON.parse(child.buffer.subarray(4, 4 + length).toString("utf8"));
        } catch {
          this.stop(
            child,
            new HostFailure("malformed", "the action host sent output that is not a reply (something wrote to its protocol pipe)"),
          );
          return;
        }
        child.buffer = child.buffer.subarray(4 + length);
        if (!started) {
          started = true;
          clearTimeout(startTimer);
          const problem = readyProblem(message, this.options.allowNetwork === true);
          if (problem) this.stop(child, new HostFailure("start", problem));
          else {
            child.isReady = true;
            readyResolve();
          }
          continue;
        }
        const head = child.awaiting[0];
        const reply = message as Reply;
        const pending = typeof reply === "object" && reply !== null ? head?.requests.get(reply.id) : undefined;
        if (!head || !pending || typeof reply.ok !== "boolean") {
          this.stop(
            child,
            new HostFailure("malformed", "the action host sent a reply nobody asked for (something wrote to its protocol pipe)"),
          );
          return;
        }
        head.requests.delete(reply.id);
        if (head.requests.size === 0) {
          child.awaiting.shift();
          this.armLimit(child);
        }
        if (reply.ok) pending.resolve(reply);
        else {
          const kind = typeof reply.error?.kind === "string" ? reply.error.kind : "internal";
          const text = typeof reply.error?.message === "string" ? reply.error.message.slice(0, 4000) : "the action failed";
          pending.reject(new HostFailure(kind as FailureKind, text));
        }
      }
    });
    proc.on("error", (e) => this.stop(child, new HostFailure("start", `the action host could not be started: ${e.message}`)));
    proc.on("exit", (code, signal) => {
      clearTimeout(startTimer);
      clearInterval(watch);
      child.exited = true;
      live.delete(proc);
      if (this.child === child) this.child = undefined;
      clearTimeout(child.limitTimer);
      const failure = child.stopped ?? exitFailure(child.stderr, code, signal);
      readyReject(failure);
      // The requests of the first frame were running: alone, a request gets the reason; beside others, which of them
      // caused it is not known, so each is tried again in a frame of its own. Later frames had not started.
      const [running, ...notStarted] = child.awaiting.splice(0);
      const gone = new HostFailure("gone", "the action host stopped before the request ran");
      const ranBeside = new HostFailure("beside", "the action host was stopped while this request ran beside others");
      if (running?.requests.size === 1) for (const r of running.requests.values()) r.reject(failure);
      else for (const r of running?.requests.values() ?? []) r.reject(ranBeside);
      for (const r of [...notStarted.flatMap((f) => [...f.requests.values()]), ...child.queued.splice(0)]) r.reject(gone);
    });
    for (const stream of [proc.stdin, proc.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    child.ready.then(
      () => keepAlive(child, child.awaiting.length > 0 || child.queued.length > 0),
      () => undefined,
    );
    return child;
  }

  /**
   * Memory all the time (Buffers are outside the V8 heap limit), and CPU between requests: code an action left
   * running (self-rearming timers, setImmediate loops) gets the child stopped; the next request starts a new one.
   */
  private watch(child: Child) {
    if (child.exited || child.stopped) return;
    const pid = child.proc.pid;
    const rss = rssMbOf(pid);
    if (rss !== undefined && rss > HOST_LIMITS.rssMb) {
      this.stop(
        child,
        new HostFailure(
          "memory",
          `${child.awaiting.length > 0 ? "the action" : "code an action left running"} used more than ${HOST_LIMITS.rssMb} MB of memory (the action host was stopped)`,
        ),
      );
      return;
    }
    const cpu = child.isReady ? cpuMsOf(pid) : undefined; // starting up is not idle
    if (cpu === undefined) return;
    const now = Date.now();
    child.samples.push([now, cpu, child.awaiting.length > 0]);
    while (child.samples.length > 0 && now - child.samples[0]![0] > HOST_LIMITS.idleCpuWindowMs) child.samples.shift();
    const first = child.samples[0]!;
    const span = now - first[0];
    if (
      span >= HOST_LIMITS.idleCpuWindowMs * 0.8 &&
      child.samples.every((s) => !s[2]) &&
      cpu - first[1] > span * HOST_LIMITS.idleCpuShare
    ) {
      this.stop(
        child,
        new HostFailure("crashed", "code an action left running kept the action host busy between calls (the action host was stopped)"),
      );
    }
  }

  /** Kills the child for a reason that later errors report. */
  private stop(child: Child, failure: HostFailure): HostFailure {
    if (!child.stopped) child.stopped = failure;
    if (!child.exited) child.proc.kill("SIGKILL");
    if (this.child === child) this.child = undefined;
    return child.stopped;
  }

  private exchange(child: Child, message: Record<string, unknown>, limitMs: number, what: string): Promise<Reply> {
    if (child.exited || child.stopped)
      return Promise.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.send(child, [{ id, limitMs, what, resolve, reject }], frame({ ...message, id }));
    });
  }

  /** Writes a frame; the child runs frames in order, so the first frame waiting gets its limit running. */
  private send(child: Child, requests: Awaited[], data: Buffer): void {
    const wasIdle = child.awaiting.length === 0;
    child.awaiting.push({
      requests: new Map(requests.map((r) => [r.id, r])),
      limitMs: Math.max(...requests.map((r) => r.limitMs)) + (requests.length > 1 ? 2 * START_WINDOW_MS : 0),
      what: requests[0]!.what,
      reportMs: Math.max(...requests.map((r) => r.limitMs)),
    });
    keepAlive(child, true);
    if (wasIdle) this.armLimit(child);
    child.proc.stdin!.write(data);
  }

  /** The backstop for the request the child runs now: the child stops a slow action itself and answers. */
  private armLimit(child: Child): void {
    clearTimeout(child.limitTimer);
    const head = child.awaiting[0];
    if (!head) {
      child.limitTimer = undefined;
      if (child.queued.length === 0) keepAlive(child, false);
      return;
    }
    const grace = Math.min(2_000, Math.max(250, head.limitMs * 0.1));
    child.limitTimer = setTimeout(
      () =>
        this.stop(
          child,
          new HostFailure("timeout", `${head.what} did not finish within ${head.reportMs} ms (the action host was stopped)`),
        ),
      head.limitMs + grace,
    );
  }
}

/**
 * The child keeps this process alive exactly while it starts or a request is pending: an idle child must not hold a
 * command open (a command may end without closing the host), and a busy one must, or a command whose only pending
 * work is a stuck action would end when the host kills it, before the child's exit is seen: exit 0 and no output.
 */
function keepAlive(child: Child, on: boolean): void {
  for (const handle of [child.proc, child.proc.stdout] as unknown as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (on) handle?.ref?.();
    else handle?.unref?.();
  }
}

function readyProblem(message: unknown, allowNetwork: boolean): string | undefined {
  const m = message as { type?: string; network?: string; permission?: Record<string, boolean> };
  if (m?.type !== "ready") return "the action host did not report ready";
  const p = m.permission ?? {};
  if (!p.active || p.fsWrite || p.fsReadOutside || p.childProcess || p.worker) {
    return `the Node permission model is not in force in the action host (${JSON.stringify(p)}); refusing to run action code`;
  }
  if (!allowNetwork && m.network !== "blocked") return "the action host did not block the network; refusing to run action code";
  return undefined;
}

function exitFailure(stderr: string, code: number | null, signal: NodeJS.Signals | null): HostFailure {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return new HostFailure("memory", `the action ran out of memory (the action host allows a ${HOST_LIMITS.heapMb} MB heap)`);
  }
  const tail = stderr.trim().split("\n").slice(-5).join(" | ").slice(0, 1000);
  return new HostFailure("crashed", `the action host exited unexpectedly (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ""}`);
}

const hosts = new Map<boolean, ActionHost>();

/** The shared host for a network policy (one child each, started on first use). */
export function actionHost(allowNetwork = false): ActionHost {
  let host = hosts.get(allowNetwork);
  if (!host) {
    host = new ActionHost({ allowNetwork });
    hosts.set(allowNetwork, host);
  }
  return host;
}

/** Stops the shared hosts' children (an idle child is unref'd, so a process can also just exit). */
export async function closeActionHost(): Promise<void> {
  await Promise.all([...hosts.values()].map((h) => h.close()));
}

/**
 * Loads a bundle's top level in the isolated child and lists what it exports (`functions`: the exports that are
 * functions). Throws ActionLoadError when the top level throws, times out, exhausts memory or says too much.
 */
export async function inspectBundle(
  code: string,
  options: { timeoutMs?: number; allowNetwork?: boolean; host?: ActionHost } = {},
): Promise<{ exports: string[]; functions: string[] }> {
  const host = options.host ?? actionHost(options.allowNetwork ?? false);
  return host.load(code, options.timeoutMs ?? HOST_LIMITS.loadTimeoutMs);
}
