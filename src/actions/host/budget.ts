import { HostFailure } from "./failure";
import { HOST_LIMITS, START_WINDOW_MS } from "./limits";

/** A reading of the child's CPU time: [when, cpu ms so far, a request was pending]. */
export type CpuSample = [number, number, boolean];

/** The child's resident memory over its limit: `busy` says whether a request was running (the action) or not. */
export function memoryProblem(rssMb: number | undefined, busy: boolean): HostFailure | undefined {
  if (rssMb === undefined || rssMb <= HOST_LIMITS.rssMb) return undefined;
  return new HostFailure(
    "memory",
    `${busy ? "the action" : "code an action left running"} used more than ${HOST_LIMITS.rssMb} MB of memory (the action host was stopped)`,
  );
}

/**
 * Adds a CPU reading to `samples` (kept to the last idleCpuWindowMs) and says whether the child kept a CPU busy while
 * no request was pending for most of that window: code an action left running (self-rearming timers, setImmediate
 * loops). `cpuWithinReach` is the share of a CPU a process can get on this machine now (1 when it is quiet): a
 * spinning child on a loaded machine gets only its turn of a core, so the share it may use scales down with it,
 * never below idleCpuShareFloor (an idle child uses next to none).
 */
export function idleCpuProblem(samples: CpuSample[], sample: CpuSample, cpuWithinReach = 1): HostFailure | undefined {
  const [now, cpu] = sample;
  samples.push(sample);
  // Never empties the list: the reading just added is the newest.
  while (now - samples[0]![0] > HOST_LIMITS.idleCpuWindowMs) samples.shift();
  const first = samples[0]!;
  const span = now - first[0];
  const share = Math.max(HOST_LIMITS.idleCpuShareFloor, HOST_LIMITS.idleCpuShare * Math.min(1, cpuWithinReach));
  if (span >= HOST_LIMITS.idleCpuWindowMs * 0.8 && samples.every((s) => !s[2]) && cpu - first[1] > span * share)
    return new HostFailure("crashed", "code an action left running kept the action host busy between calls (the action host was stopped)");
  return undefined;
}

/**
 * How long the child may take for the requests of one frame before the host stops it, and the limit its message
 * names: their longest limit, plus the start window when several share the frame (runner/batch.cjs), plus a grace
 * for the child to stop a slow action itself and answer.
 */
export function frameBackstop(limitsMs: readonly number[]): { afterMs: number; reportMs: number } {
  const reportMs = Math.max(...limitsMs);
  const limitMs = reportMs + (limitsMs.length > 1 ? 2 * START_WINDOW_MS : 0);
  const grace = Math.min(2_000, Math.max(250, limitMs * 0.1));
  return { afterMs: limitMs + grace, reportMs };
}
