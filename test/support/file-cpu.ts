import { readFileSync } from "node:fs";
import { afterAll } from "vitest";

/**
 * Setup file (vitest.config.ts): the CPU time each test file costs, its import included, with that of the processes
 * it started and waited for (the CLI, action hosts, git, npm). A worker runs one file at a time, so the difference
 * over the file is the file's. The slowest-files reporter prints it: on a machine of two cores the suite's wall time
 * is bounded by its CPU time, not by the sum of its waits.
 */
declare module "vitest" {
  interface TaskMeta {
    cpuMs?: number;
  }
}

/** This process's CPU time and its ended children's, in ms (Linux /proc/self/stat; NaN elsewhere). */
function cpuMs(): number {
  try {
    // Fields after "pid (comm) ": utime, stime, cutime and cstime are the 12th to 15th, in clock ticks (100 a second).
    const fields = readFileSync("/proc/self/stat", "utf8")
      .replace(/^.*\) /s, "")
      .split(" ");
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  } catch {
    return Number.NaN;
  }
}

const start = cpuMs();
afterAll(({}, file) => {
  file.meta.cpuMs = cpuMs() - start;
});
