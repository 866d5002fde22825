import { appendFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 10;
/** Tests above this need a comment saying why (developers' guide); listed so that a new one is seen. */
const LONG_TEST_MS = 5_000;

/**
 * Prints the ten slowest test files (import plus tests, as the worker spent them), the ten that cost the most CPU time
 * (child processes included; test/support/file-cpu.ts), the suite's CPU time, and every test over 5 s; in a GitHub
 * Actions job also on the job's summary page.
 */
export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    // A file whose tests were all skipped (e.g. one for another Node) ran no test, so it has no CPU time to count.
    const all = modules
      .filter((m) => m.state() !== "skipped")
      .map((m) => {
        const d = m.diagnostic();
        return { file: m.relativeModuleId, ms: d.collectDuration + d.duration, collect: d.collectDuration, cpu: m.meta().cpuMs };
      });
    const files = [...all].sort((a, b) => b.ms - a.ms).slice(0, SHOWN);
    const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? "?" : `${(ms / 1000).toFixed(1)} s`).padStart(7);
    const lines = [`the ${files.length} slowest test files (import + tests; CPU with child processes):`];
    for (const f of files) lines.push(`${s(f.ms)}  ${s(f.cpu)} CPU  ${f.file}  (import ${s(f.collect).trim()})`);
    const costliest = [...all].sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0)).slice(0, SHOWN);
    lines.push(`the ${costliest.length} test files that cost the most CPU time:`);
    for (const f of costliest) lines.push(`${s(f.cpu)} CPU  ${s(f.ms)}  ${f.file}`);
    const cpu = all.reduce((sum, f) => sum + (f.cpu ?? Number.NaN), 0);
    const skipped = modules.length - all.length;
    lines.push(`CPU time of all ${all.length} files: ${s(cpu).trim()}${skipped > 0 ? ` (${skipped} skipped)` : ""}`);
    const long = modules.flatMap((m) =>
      [...m.children.allTests()]
        .map((t) => ({ name: `${m.relativeModuleId} > ${t.fullName}`, ms: t.diagnostic()?.duration ?? 0 }))
        .filter((t) => t.ms > LONG_TEST_MS),
    );
    if (long.length > 0) lines.push(`tests over ${LONG_TEST_MS / 1000} s:`, ...long.map((t) => `${s(t.ms)}  ${t.name}`));
    process.stdout.write(lines.join("\n") + "\n");
    const summary = process.env.GITHUB_STEP_SUMMARY;
    if (summary) appendFileSync(summary, ["### Test time", "```", ...lines, "```", ""].join("\n"));
  }
}
