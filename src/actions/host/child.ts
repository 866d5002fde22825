import { spawn, type ChildProcess } from "node:child_process";
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { ActionLoadError } from "../../errors";
import { childArguments, type ActionHostOptions } from "./arguments";
import { frameBackstop, idleCpuProblem, memoryProblem, type CpuSample } from "./budget";
import { exitFailure, HostFailure, type FailureKind } from "./failure";
import { frame, MessageReader } from "./frames";
import { HOST_LIMITS } from "./limits";
import { batchesOf, type Awaited, type QueuedCall } from "./queue";
import { readyProblem, type Reply } from "./replies";
import { cpuMsOf, cpuWithinReach, rssMbOf } from "./usage";

/** Requests sent in one frame; answered in any order (the calls of a batch overlap in the child). */
interface Frame {
  requests: Map<number, Awaited>;
  /** When the host stops the child if the frame is not fully answered (budget.ts frameBackstop). */
  afterMs: number;
  /** What the backstop's message names: the action and its own limit. */
  what: string;
  reportMs: number;
}

/** One child process: its life, the frames it was sent and the calls waiting for its next frame. */
export interface Child {
  proc: ChildProcess;
  ready: Promise<void>;
  loaded: Set<string>;
  replies: MessageReader;
  stderr: string;
  /** Frames sent and not fully answered, in order: the child runs one frame after another, so only the first's limit runs. */
  awaiting: Frame[];
  /** Calls waiting for the next frame: the calls that arrive together go to the child in one write. */
  queued: QueuedCall[];
  flushScheduled: boolean;
  limitTimer?: NodeJS.Timeout;
  /** Why the host stopped it, when it did. */
  stopped?: HostFailure;
  /** Recent CPU readings once it is ready. */
  samples: CpuSample[];
  isReady: boolean;
  exited: boolean;
  /** Called once the child is stopped or has exited (its host then starts a new one for the next request). */
  onEnd: () => void;
}

const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * Starts a child running the runner in `runnerDir` (which it may read, and nothing else). `ready` settles once it has
 * reported the isolation the host asked for; the child is stopped if it does not within startTimeoutMs.
 */
export function startChild(options: ActionHostOptions, runnerDir: string, onEnd: () => void): Child {
  const runner = realpathSync(runnerDir);
  if (runner.includes(","))
    throw new ActionLoadError(`the project path ${runner} contains a comma, which the permission model's --allow-fs-read cannot express`);
  const proc = spawn(process.execPath, childArguments(options, runner), {
    env: {},
    cwd: tmpdir(),
    stdio: ["pipe", "pipe", "pipe"],
    windowsHide: true,
  });
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
    replies: new MessageReader(),
    stderr: "",
    exited: false,
    samples: [],
    isReady: false,
    awaiting: [],
    queued: [],
    flushScheduled: false,
    onEnd,
  };
  child.ready.catch(() => undefined);
  const watcher = setInterval(() => watch(child), HOST_LIMITS.watchIntervalMs);
  watcher.unref();
  const startTimer = setTimeout(
    () => stopChild(child, new HostFailure("start", `the action host did not start within ${HOST_LIMITS.startTimeoutMs} ms`)),
    HOST_LIMITS.startTimeoutMs,
  );
  let started = false;

  proc.stdin!.on("error", () => undefined);
  proc.stderr!.on("data", (chunk: Buffer) => {
    child.stderr = (child.stderr + chunk.toString("utf8")).slice(-HOST_LIMITS.stderrTailBytes);
  });
  proc.stdout!.on("data", (chunk: Buffer) => {
    child.replies.push(chunk);
    while (!child.stopped) {
      const next = child.replies.next();
      if (next === undefined) return;
      if ("problem" in next) {
        stopChild(child, next.problem);
        return;
      }
      if (!started) {
        started = true;
        clearTimeout(startTimer);
        const problem = readyProblem(next.message, options.allowNetwork === true);
        if (problem) stopChild(child, new HostFailure("start", problem));
        else {
          child.isReady = true;
          readyResolve();
        }
        continue;
      }
      if (!settle(child, next.message as Reply)) return;
    }
  });
  proc.on("error", (e) => stopChild(child, new HostFailure("start", `the action host could not be started: ${e.message}`)));
  proc.on("exit", (code, signal) => {
    clearTimeout(startTimer);
    clearInterval(watcher);
    child.exited = true;
    live.delete(proc);
    child.onEnd();
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

/** Hands a reply to the request of the running frame it answers; false (the child stopped) for a reply nobody asked for. */
function settle(child: Child, reply: Reply): boolean {
  const head = child.awaiting[0];
  const pending = typeof reply === "object" && reply !== null ? head?.requests.get(reply.id) : undefined;
  if (!head || !pending || typeof reply.ok !== "boolean") {
    stopChild(child, new HostFailure("malformed", "the action host sent a reply nobody asked for (something wrote to its protocol pipe)"));
    return false;
  }
  head.requests.delete(reply.id);
  if (head.requests.size === 0) {
    child.awaiting.shift();
    armLimit(child);
    scheduleFlush(child);
  }
  if (reply.ok) pending.resolve(reply);
  else {
    const kind = typeof reply.error?.kind === "string" ? reply.error.kind : "internal";
    const text = typeof reply.error?.message === "string" ? reply.error.message.slice(0, 4000) : "the action failed";
    pending.reject(new HostFailure(kind as FailureKind, text));
  }
  return true;
}

/**
 * Memory all the time (Buffers are outside the V8 heap limit), and CPU between requests: code an action left
 * running (self-rearming timers, setImmediate loops) gets the child stopped; the next request starts a new one.
 */
function watch(child: Child): void {
  if (child.exited || child.stopped) return;
  const pid = child.proc.pid;
  const memory = memoryProblem(rssMbOf(pid), child.awaiting.length > 0);
  if (memory) {
    stopChild(child, memory);
    return;
  }
  const cpu = child.isReady ? cpuMsOf(pid) : undefined; // starting up is not idle
  if (cpu === undefined) return;
  const idle = idleCpuProblem(child.samples, [Date.now(), cpu, child.awaiting.length > 0], cpuWithinReach());
  if (idle) stopChild(child, idle);
}

/** Kills the child for a reason that later errors report. */
export function stopChild(child: Child, failure: HostFailure): HostFailure {
  if (!child.stopped) child.stopped = failure;
  if (!child.exited) child.proc.kill("SIGKILL");
  child.onEnd();
  return child.stopped;
}

/**
 * Sends the queued calls once this turn of the event loop has queued what it has, and only when no frame is in
 * flight: the child runs one frame after another anyway, so the calls that arrive meanwhile wait here and then go
 * together, in one frame that starts them under one vm timeout, instead of a frame (and a timeout) each.
 */
export function scheduleFlush(child: Child): void {
  if (child.flushScheduled || child.awaiting.length > 0 || child.queued.length === 0) return;
  child.flushScheduled = true;
  setImmediate(() => flushQueued(child));
}

/** The queued calls as frames (queue.ts batchesOf: one frame per bundle, at most MAX_BATCH calls). */
function flushQueued(child: Child): void {
  child.flushScheduled = false;
  if (child.awaiting.length > 0) return; // a load went first: its answer schedules this again
  for (const batch of batchesOf(child.queued.splice(0))) {
    if (child.exited || child.stopped) {
      for (const c of batch) c.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
      continue;
    }
    sendFrame(
      child,
      batch,
      frame(
        { type: "calls", calls: batch.map((c) => c.header) },
        batch.map((c) => c.event),
      ),
    );
  }
}

/** Writes a frame; the child runs frames in order, so the first frame waiting gets its limit running. */
export function sendFrame(child: Child, requests: Awaited[], data: Buffer): void {
  const wasIdle = child.awaiting.length === 0;
  const { afterMs, reportMs } = frameBackstop(requests.map((r) => r.limitMs));
  child.awaiting.push({ requests: new Map(requests.map((r) => [r.id, r])), afterMs, what: requests[0]!.what, reportMs });
  keepAlive(child, true);
  if (wasIdle) armLimit(child);
  child.proc.stdin!.write(data);
}

/** The backstop for the request the child runs now: the child stops a slow action itself and answers. */
function armLimit(child: Child): void {
  clearTimeout(child.limitTimer);
  const head = child.awaiting[0];
  if (!head) {
    child.limitTimer = undefined;
    if (child.queued.length === 0) keepAlive(child, false);
    return;
  }
  child.limitTimer = setTimeout(
    () =>
      stopChild(child, new HostFailure("timeout", `${head.what} did not finish within ${head.reportMs} ms (the action host was stopped)`)),
    head.afterMs,
  );
}

/**
 * The child keeps this process alive exactly while it starts or a request is pending: an idle child must not hold a
 * command open (a command may end without closing the host), and a busy one must, or a command whose only pending
 * work is a stuck action would end when the host kills it, before the child's exit is seen: exit 0 and no output.
 */
export function keepAlive(child: Child, on: boolean): void {
  for (const handle of [child.proc, child.proc.stdout] as unknown as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (on) handle?.ref?.();
    else handle?.unref?.();
  }
}
