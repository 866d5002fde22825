import type { Reporter, TestModule } from "vitest/node";

const SHOWN = 10;
/** Tests above this need a comment saying why (developers' guide); listed so that a new one is seen. */
const LONG_TEST_MS = 5_000;

/** Prints the ten slowest test files (import plus tests, as the worker spent them) and every test over 5 s. */
export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const files = modules
      .map((m) => {
        const d = m.diagnostic();
        return { file: m.relativeModuleId, ms: d.collectDuration + d.duration, collect: d.collectDuration };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(7);
    const lines = [`the ${files.length} slowest test files (import + tests):`];
    for (const f of files) lines.push(`${s(f.ms)}  ${f.file}  (import ${s(f.collect).trim()})`);
    const long = modules.flatMap((m) =>
      [...m.children.allTests()]
        .map((t) => ({ name: `${m.relativeModuleId} > ${t.fullName}`, ms: t.diagnostic()?.duration ?? 0 }))
        .filter((t) => t.ms > LONG_TEST_MS),
    );
    if (long.length > 0) lines.push(`tests over ${LONG_TEST_MS / 1000} s:`, ...long.map((t) => `${s(t.ms)}  ${t.name}`));
    process.stdout.write(lines.join("\n") + "\n");
  }
}
