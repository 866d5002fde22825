import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUNNER_MAIN } from "../../src/actions/host/arguments";

const runnerDir = path.resolve(__dirname, "../../src/actions/runner");

/** The built-in modules the runner has loaded once it reports ready (started without the permission model, so that a
 * preloaded probe may read them out). */
async function modulesAtReady(): Promise<string[]> {
  const probe = `process.on("exit", () => process.stderr.write("\\nMODULES=" + JSON.stringify(process.moduleLoadList) + "\\n"));`;
  const child = spawn(
    process.execPath,
    ["--frozen-intrinsics", "--no-warnings", "--eval", `${probe} require(${JSON.stringify(path.join(runnerDir, RUNNER_MAIN))})`, "{}"],
    { stdio: ["pipe", "pipe", "pipe"], env: {} },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  // The first frame on stdout is the ready message: then stdin ends and the runner exits.
  child.stdout.once("data", () => child.stdin.end());
  await new Promise((resolve) => child.on("close", resolve));
  const line = /^MODULES=(.*)$/m.exec(stderr);
  expect(line, stderr).not.toBeNull();
  return JSON.parse(line![1]!) as string[];
}

describe("the action host child's start", () => {
  // Node 22 defines WebSocket as a lazy global, made of undici: removing it must not load it.
  it.skipIf(!("WebSocket" in globalThis))("loads nothing to remove a global: not undici, behind Node's WebSocket", async () => {
    expect((await modulesAtReady()).filter((m) => /undici/.test(m))).toEqual([]);
  });
});
