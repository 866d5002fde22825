import { HOST_LIMITS } from "./limits";

export type FailureKind =
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

/** Why a request to the child failed; the public errors (ActionLoadError, ActionRunError) carry its message. */
export class HostFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** Why the child exited when the host had not stopped it: its heap, or a crash with the end of its stderr. */
export function exitFailure(stderr: string, code: number | null, signal: NodeJS.Signals | null): HostFailure {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return new HostFailure("memory", `the action ran out of memory (the action host allows a ${HOST_LIMITS.heapMb} MB heap)`);
  }
  const tail = stderr.trim().split("\n").slice(-5).join(" | ").slice(0, 1000);
  return new HostFailure("crashed", `the action host exited unexpectedly (${signal ?? `code ${code}`})${tail ? `: ${tail}` : ""}`);
}
