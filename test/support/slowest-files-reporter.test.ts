import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TestModule } from "vitest/node";
import SlowestFilesReporter from "./slowest-files-reporter";

/** A finished test file as the reporter sees it: its wall time, the CPU time file-cpu.ts recorded, its tests' times. */
const file = (name: string, ms: number, cpuMs: number | undefined, tests: [string, number][] = [], state = "passed") =>
  ({
    relativeModuleId: name,
    state: () => state,
    diagnostic: () => ({ collectDuration: 100, duration: ms - 100 }),
    meta: () => (cpuMs === undefined ? {} : { cpuMs }),
    children: { allTests: () => tests.map(([fullName, duration]) => ({ fullName, diagnostic: () => ({ duration }) })) },
  }) as unknown as TestModule;

function report(modules: TestModule[]): string {
  let out = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  try {
    new SlowestFilesReporter().onTestRunEnd(modules);
  } finally {
    write.mockRestore();
  }
  return out;
}

describe("the slowest-files reporter", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("lists the ten slowest files, the ten costliest in CPU, the suite's CPU time and each test over 5 s", () => {
    const modules = Array.from({ length: 12 }, (_, i) => file(`test/f${i}.test.ts`, (i + 1) * 1000, (12 - i) * 500));
    modules.push(file("test/long.test.ts", 500, 250, [["a long one", 7_500]]));
    const lines = report(modules).split("\n");
    const slowest = lines.slice(1, 11);
    expect(slowest[0]).toMatch(/^ 12\.0 s {4}0\.5 s CPU {2}test\/f11\.test\.ts {2}\(import 0\.1 s\)$/);
    expect(slowest.some((l) => l.includes("test/f0.test.ts"))).toBe(false);
    const costliest = lines.slice(lines.indexOf("the 10 test files that cost the most CPU time:") + 1).slice(0, 10);
    expect(costliest[0]).toMatch(/^ {2}6\.0 s CPU {4}1\.0 s {2}test\/f0\.test\.ts$/);
    expect(lines).toContain(`CPU time of all 13 files: ${((78 * 500 + 250) / 1000).toFixed(1)} s`);
    expect(lines).toContain("tests over 5 s:");
    expect(lines).toContain("  7.5 s  test/long.test.ts > a long one");
  });

  it("says it does not know a file's CPU time rather than count it as none", () => {
    const out = report([file("test/a.test.ts", 2000, undefined), file("test/b.test.ts", 1000, 400)]);
    expect(out).toContain("      ? CPU  test/a.test.ts");
    expect(out).toContain("CPU time of all 2 files: ?");
  });

  it("leaves a file whose tests were all skipped out of the suite's CPU time, and says so", () => {
    const out = report([file("test/a.test.ts", 2000, 400), file("test/node22.test.ts", 5, undefined, [], "skipped")]);
    expect(out).toContain("CPU time of all 1 files: 0.4 s (1 skipped)");
    expect(out).not.toContain("node22");
  });

  it("writes the same lines to the job summary of a GitHub Actions run", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "summary-"));
    try {
      const summary = path.join(dir, "summary.md");
      vi.stubEnv("GITHUB_STEP_SUMMARY", summary);
      const out = report([file("test/a.test.ts", 2000, 400)]);
      expect(readFileSync(summary, "utf8")).toBe(`### Test time\n\`\`\`\n${out}\`\`\`\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
