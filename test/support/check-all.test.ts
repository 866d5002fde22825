import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";

interface Step {
  name: string;
  script: string;
  args: string[];
  live?: boolean;
}
type CheckAll = (steps: Step[], io: { out: Writable; err: Writable }) => Promise<number>;

// A path the type-checker does not follow: the runner is plain JavaScript, run by Node before anything is compiled.
const runner = "./check-all.mjs";
const load = () => import(runner) as Promise<{ checkAll: CheckAll; STEPS: Step[] }>;

/** A step that runs `code` in a Node process of its own. */
const step = (name: string, code: string): Step => ({ name, script: "-e", args: [code] });

async function run(steps: Step[]) {
  let out = "";
  let err = "";
  const sink = (write: (s: string) => void) => new Writable({ write: (chunk, _, done) => (write(String(chunk)), done()) });
  const { checkAll } = await load();
  const code = await checkAll(steps, { out: sink((s) => (out += s)), err: sink((s) => (err += s)) });
  return { code, out, err };
}

describe("npm test's runner (test/support/check-all.mjs)", () => {
  it("runs the type-check, the format check and the suite", async () => {
    const { STEPS } = await load();
    expect(STEPS.map((s) => s.name)).toEqual(["type-check", "format check", "tests"]);
    expect(STEPS.find((s) => s.name === "type-check")!.args).toContain("--noEmit");
    expect(STEPS.find((s) => s.name === "format check")!.args).toContain("--check");
  });

  it("passes only when every step passes", async () => {
    expect((await run([step("a", ""), step("b", "")])).code).toBe(0);
  });

  it("fails with a failing step's status and output, after waiting for the others, whichever step fails", async () => {
    const slowWitness = 'setTimeout(() => console.log("other step ended"), 300)';
    for (const failing of [0, 1]) {
      const steps = [step("slow", slowWitness), step("broken", 'console.log("src/x.ts(1,1): error TS2322"); process.exit(3)')];
      if (failing === 0) steps.reverse();
      const r = await run(steps);
      expect(r.code).toBe(3);
      expect(r.err).toContain("broken FAILED (exit 3)");
      expect(r.err).toContain("error TS2322");
      expect(r.out).toContain("slow passed");
      expect(r.err).toContain("npm test failed: broken");
    }
  });

  it("fails when a step is killed by a signal or cannot start", async () => {
    expect((await run([step("killed", 'process.kill(process.pid, "SIGKILL")')])).code).toBe(1);
    expect((await run([{ name: "missing", script: "/nonexistent/script.js", args: [] }])).code).not.toBe(0);
  });
});
