import { AsyncLocalStorage } from "node:async_hooks";
import { ActionRunError, CommandLimitError, UsageError } from "./errors";

/**
 * What one command may spend on inputs a pull request controls, summed over everything the command does: a review
 * plans every stack at two revisions, and a pull request decides how many stacks, files and actions there are, so a
 * limit per step alone would let it multiply the cost. Each limit has a default and an environment variable that
 * raises it (docs/input-limits.md).
 */
export interface CommandLimits {
  /** Wall time the command's action code may take in all: bundling, top levels and handlers (in the isolated host). */
  actionTimeMs: number;
  /** Bytes of files the command may read in all (stack files, keys, action sources, at every revision). */
  readBytes: number;
  /** Size of one YAML file (a stack file, Pulumi.yaml, a shared definition). */
  yamlFileBytes: number;
  /** Nodes that YAML aliases expand to, summed over the command's documents. */
  aliasNodes: number;
}

const MiB = 1024 * 1024;

export const LIMIT_SETTINGS: Record<keyof CommandLimits, { env: string; unit: string; scale: number; fallback: number }> = {
  actionTimeMs: { env: "AUTH0_TENANT_ACTION_TIME_LIMIT", unit: "seconds", scale: 1000, fallback: 120_000 },
  readBytes: { env: "AUTH0_TENANT_READ_LIMIT_MB", unit: "MiB", scale: MiB, fallback: 512 * MiB },
  yamlFileBytes: { env: "AUTH0_TENANT_YAML_FILE_LIMIT_MB", unit: "MiB", scale: MiB, fallback: 16 * MiB },
  aliasNodes: { env: "AUTH0_TENANT_ALIAS_NODES_LIMIT", unit: "nodes", scale: 1, fallback: 10_000_000 },
};

/** The limits for this environment: the defaults, each raised (or lowered) by its variable when set. */
export function commandLimits(env: NodeJS.ProcessEnv = process.env): CommandLimits {
  const out = {} as CommandLimits;
  for (const [name, s] of Object.entries(LIMIT_SETTINGS) as [keyof CommandLimits, (typeof LIMIT_SETTINGS)[keyof CommandLimits]][]) {
    const raw = env[s.env];
    if (raw === undefined || raw === "") {
      out[name] = s.fallback;
      continue;
    }
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(value > 0))
      throw new UsageError(
        `${s.env}=${JSON.stringify(raw).slice(0, 40)}: not a number of ${s.unit} (allowed: a positive number, e.g. ${s.fallback / s.scale})`,
      );
    out[name] = value * s.scale;
  }
  return out;
}

/** "the read limit of 512 MiB (raise it with AUTH0_TENANT_READ_LIMIT_MB=<MiB>)". */
export function describeLimit(name: keyof CommandLimits, limits: CommandLimits): string {
  const s = LIMIT_SETTINGS[name];
  return `${limits[name] / s.scale} ${s.unit} (raise it with ${s.env}=<${s.unit}>)`;
}

/**
 * A timer counts from the event loop's cached clock, which can be up to a millisecond behind the moment it was set, so
 * a run stopped at its limit can measure just under it here.
 */
const TIMER_SLACK_MS = 1;

export class CommandBudget {
  private actionMs = 0;
  /**
   * Bytes read, in shared memory: a worker thread that reads files for the command charges them here too, before it
   * reads them (src/config/read-ahead.ts), so every thread keeps the one limit in the order the files are read.
   */
  private readonly bytes = new BigInt64Array(new SharedArrayBuffer(8));
  private nodes = 0;
  /** Top-level loads by code: a bundle's top level has no input, so its outcome is the same every time. */
  private readonly loads = new Map<string, Promise<unknown>>();
  /** Handlers (by code) that used their whole time limit once: not run again in this command. */
  private readonly timedOut = new Map<string, string>();

  constructor(readonly limits: CommandLimits = commandLimits()) {}

  /** Counts a file's bytes before it is read; refuses it when the command's reads would pass the limit. */
  chargeBytes(bytes: number, file: string): void {
    const more = BigInt(bytes);
    if (Number(Atomics.add(this.bytes, 0, more) + more) > this.limits.readBytes) throw this.readRefusal(bytes, file);
  }

  /** What chargeBytes throws for the file that passes the read limit. */
  readRefusal(bytes: number, file: string): CommandLimitError {
    return new CommandLimitError(
      `${file}: reading its ${bytes} bytes passes this command's read limit of ${describeLimit("readBytes", this.limits)}`,
    );
  }

  /** The read counter and limit, for a worker thread that charges what it reads (chargeBytes' rule). */
  get sharedReads(): { counter: SharedArrayBuffer; limit: number } {
    return { counter: this.bytes.buffer as SharedArrayBuffer, limit: this.limits.readBytes };
  }

  /** Counts the nodes a document's aliases expand to. */
  chargeAliasNodes(nodes: number, file: string): void {
    this.nodes += nodes;
    if (this.nodes > this.limits.aliasNodes)
      throw new CommandLimitError(
        `${file}: its YAML aliases expand to ${nodes} nodes, which passes this command's alias limit of ${describeLimit("aliasNodes", this.limits)}`,
      );
  }

  /**
   * Runs action code (`run` gets the time it may take: its own limit, or less when the command's action time is
   * nearly spent) and charges the time it took. A load is done once per code; a handler that used its whole limit is
   * not run again (its next request fails with the same reason at once).
   */
  action<T>(kind: "load" | "call", code: string, limitMs: number, what: string, run: (timeoutMs: number) => Promise<T>): Promise<T> {
    if (kind === "load") {
      let loaded = this.loads.get(code) as Promise<T> | undefined;
      if (!loaded) {
        loaded = this.timed(limitMs, what, run);
        this.loads.set(code, loaded);
      }
      return loaded;
    }
    const earlier = this.timedOut.get(code);
    if (earlier !== undefined) return Promise.reject(new ActionRunError(`${earlier}; not run again in this command (same code)`));
    return this.timed(limitMs, what, run, (e) => this.timedOut.set(code, e.message));
  }

  /** Work on action code that cannot be cut short (bundling): refused once the time is spent, charged what it took. */
  async spend<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.actionMs >= this.limits.actionTimeMs) throw this.spent(what);
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.actionMs += performance.now() - start;
    }
  }

  private spent(what: string): CommandLimitError {
    return new CommandLimitError(
      `${what}: not run to its end, this command's action code has used its time limit of ${describeLimit("actionTimeMs", this.limits)}`,
    );
  }

  /** `onTimeout`: the run failed after using its whole own limit (the host stops action code at that limit). */
  private async timed<T>(
    limitMs: number,
    what: string,
    run: (timeoutMs: number) => Promise<T>,
    onTimeout?: (e: Error) => void,
  ): Promise<T> {
    const left = this.limits.actionTimeMs - this.actionMs;
    const spent = () => this.spent(what);
    if (left <= 0) throw spent();
    const timeoutMs = Math.min(limitMs, left);
    const start = performance.now();
    try {
      return await run(timeoutMs);
    } catch (e) {
      if (performance.now() - start >= timeoutMs - TIMER_SLACK_MS) {
        if (timeoutMs < limitMs) throw spent();
        if (e instanceof Error) onTimeout?.(e);
      }
      throw e;
    } finally {
      this.actionMs += performance.now() - start;
    }
  }
}

const running = new AsyncLocalStorage<CommandBudget>();

/**
 * Runs a command with one budget for everything it does (asynchronous work started inside it included). A command
 * started inside another shares the outer one's budget.
 */
export function withCommandBudget<T>(work: () => Promise<T>, budget?: CommandBudget): Promise<T> {
  if (running.getStore()) return work();
  return running.run(budget ?? new CommandBudget(), work);
}

/** The running command's budget; undefined outside a command (a long-running server: each step has its own limits). */
export const commandBudget = (): CommandBudget | undefined => running.getStore();

/** The running command's limits, or this environment's outside a command. */
export const currentLimits = (): CommandLimits => running.getStore()?.limits ?? commandLimits();
