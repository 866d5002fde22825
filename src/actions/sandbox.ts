import { createHash } from "node:crypto";
import * as path from "node:path";

/**
 * The action host: bundled action code (untrusted: it arrives in pull requests) runs only in a separate Node
 * process, never in this one. See src/actions/runner/ for the child's side, and host/ for the parts of this one.
 *
 * The child is started with the Node permission model (it may read its runner folder and nothing else; no file
 * writes, child processes, workers, addons or WASI), an empty environment, code generation from strings disabled, a
 * small heap and pipes for stdio. The runner disables the network entry points before any action code loads. Every
 * load and every call has a wall-clock limit after which the child is SIGKILLed (a busy loop, even after an await, or
 * a self-rearming timer cannot hang the caller); its memory and the size of what it sends back are bounded too.
 * One child is kept per network policy and reused (warm bundles); the next request after a kill starts a fresh one.
 */

import { ActionLoadError, ActionRunError } from "../errors";
import type { ActionHostOptions } from "./host/arguments";
import { keepAlive, scheduleFlush, sendFrame, startChild, stopChild, type Child } from "./host/child";
import { HostFailure } from "./host/failure";
import { frame } from "./host/frames";
import { HOST_LIMITS } from "./host/limits";
import type { QueuedCall } from "./host/queue";
import { callReplyOf, loadReplyOf, type CallReply, type Reply } from "./host/replies";

export { ActionLoadError, ActionRunError };
export { childArguments, permissionFlag, type ActionHostOptions } from "./host/arguments";
export { HOST_LIMITS, lowerable } from "./host/limits";
export type { CallReply, ClaimOp, DenyOp } from "./host/replies";

export const sha256 = (code: string) => createHash("sha256").update(code).digest("hex");

/** The runner's folder: src/actions/runner/ from source, runner/ beside the CLI's bundle (cli/auth0-tenant.mjs BESIDE). */
const RUNNER_DIR = path.join(__dirname, "runner");

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
   * bundle that arrive together are sent in one frame, and the child starts them together (runner/batch.cjs),
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
    const text = JSON.stringify(request.event) ?? "null";
    const event = { text, bytes: Buffer.byteLength(text) };
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
                eventBytes: event.bytes,
              },
              event,
              limitMs: request.timeoutMs,
              what: `the ${request.trigger} action`,
              solo,
            });
            const checked = callReplyOf(reply);
            if (!checked) throw stopChild(child, new HostFailure("malformed", "the action host sent a malformed reply"));
            return checked;
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

  /** Queues a call for the child's next frame (host/child.ts scheduleFlush). */
  private call(child: Child, call: Omit<QueuedCall, "id" | "resolve" | "reject">): Promise<Reply> {
    if (child.exited || child.stopped)
      return Promise.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
    return new Promise<Reply>((resolve, reject) => {
      const id = this.nextId++;
      call.header.id = id;
      child.queued.push(Object.assign(call, { id, resolve, reject }));
      keepAlive(child, true);
      scheduleFlush(child);
    });
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
      const loaded = loadReplyOf(reply);
      if (!loaded) throw stopChild(child, new HostFailure("malformed", "the action host sent a malformed reply"));
      child.loaded.add(sha);
      return loaded;
    } catch (e) {
      throw e instanceof HostFailure ? new ActionLoadError(e.message) : e;
    }
  }

  private ensure(): Promise<Child> {
    if (this.child && !this.child.exited && !this.child.stopped) {
      const child = this.child;
      return child.ready.then(() => child);
    }
    const child = startChild(this.options, RUNNER_DIR, () => {
      if (this.child === child) this.child = undefined;
    });
    this.spawned += 1;
    this.child = child;
    return child.ready.then(() => child);
  }

  private exchange(child: Child, message: Record<string, unknown>, limitMs: number, what: string): Promise<Reply> {
    if (child.exited || child.stopped)
      return Promise.reject(new HostFailure("gone", "the action host stopped before the request was sent"));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      sendFrame(child, [{ id, limitMs, what, resolve, reject }], frame({ ...message, id }));
    });
  }
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
