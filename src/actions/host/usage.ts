import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** Resident memory of a process in MB, from /proc/<pid>/status (Linux only). */
export function rssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process in ms, from /proc/<pid>/stat (clock ticks of 10 ms on Linux). */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The share of a CPU one busy process gets now: the cores over the runnable processes (the last minute's load). */
export function cpuWithinReach(): number {
  return Math.min(1, availableParallelism() / Math.max(1, loadavg()[0]!));
}
