import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
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

  it("type-checks with TypeScript 7 under this project's tsconfig, while ts-node's TypeScript stays below 7", async () => {
    const { STEPS } = await load();
    const check = STEPS.find((s) => s.name === "type-check")!;
    const dir = mkdtempSync(path.join(tmpdir(), "type-check-"));
    const config = JSON.parse(readFileSync(path.join(__dirname, "../../tsconfig.json"), "utf8")) as { compilerOptions: object };
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...config.compilerOptions, types: [] }, include: ["*.ts"] }),
    );
    const typeCheck = () =>
      spawnSync(process.execPath, [check.script, ...check.args.map((a) => a.replace(/^\.cache\//, `${dir}/`))], {
        cwd: dir,
        encoding: "utf8",
      });
    writeFileSync(path.join(dir, "a.ts"), "export const n: number = 1;\n");
    expect(typeCheck()).toMatchObject({ status: 0, stdout: "" });
    writeFileSync(path.join(dir, "a.ts"), 'export const n: number = "one";\n');
    const failed = typeCheck();
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toContain("a.ts(1,14): error TS2322");
    // @pulumi/pulumi's peerDependencies: typescript >= 3.8.3 < 7 (what its ts-node loads to run index.ts).
    const pulumiRange = (createRequire(__filename)("@pulumi/pulumi/package.json") as { peerDependencies: Record<string, string> })
      .peerDependencies.typescript;
    expect(pulumiRange).toMatch(/< 7$/);
    expect(Number((createRequire(__filename)("typescript/package.json") as { version: string }).version.split(".")[0])).toBeLessThan(7);
  });
});
