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
  idleCpuShareFloor: 0.05,
  idleCpuWindowMs: 1_000,
  /** Largest reply frame the host accepts; the runner itself caps replies at 1 MiB. */
  frameBytes: 2 * 1024 * 1024,
  /** Default limit for a bundle's top level. */
  loadTimeoutMs: lowerable(5_000, "AUTH0_TENANT_ACTION_LOAD_LIMIT_MS"),
  /** How long a fresh child may take to start and report its permissions. */
  startTimeoutMs: 10_000,
  stderrTailBytes: 8 * 1024,
} as const;

/** Most calls sent in one frame. */
export const MAX_BATCH = 64;
/** runner/limits.cjs START_WINDOW_MS: a batch's calls start within it; a call's limit may run from its end. */
export const START_WINDOW_MS = 10;
