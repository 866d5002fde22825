// `npm test`: the type-check, the format check and the test suite, started together and judged together. The suite
// waits on child processes and timers for much of its run, and the two checks fill those gaps on the other core,
// where run one after the other they would hold the suite back by their whole time. The exit status is the first
// failing step's (1 if it gave none), 0 only when all three passed; the checks' output is printed once they end, so it
// does not interleave with the suite's.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** The file of an installed package's command (its package.json "bin"), run with this Node. */
function bin(pkg, name) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const bins = require(manifest).bin;
  return path.join(path.dirname(manifest), typeof bins === "string" ? bins : bins[name]);
}

/** The steps of `npm test`, each a Node script of an installed package with its arguments. */
export const STEPS = [
  // TypeScript 7, the native compiler (the `typescript-7` alias), checks the tree in a few seconds of CPU where
  // TypeScript 5 took half a minute. `typescript` stays 5.x: it is what ts-node loads when `pulumi up` runs index.ts
  // (@pulumi/pulumi peerDependencies: typescript < 7), and tsconfig.json keeps the `node` module resolution ts-node
  // needs. TypeScript 7 removed that resolution, so the check passes `bundler` on the command line; the program's own
  // files are still checked by TypeScript 5 the way `pulumi up` checks them (test/pulumi-entry.test.ts). One checker:
  // the suite runs beside it on the other core.
  {
    name: "type-check",
    script: bin("typescript-7", "tsc"),
    args: ["--noEmit", "--moduleResolution", "bundler", "--checkers", "1", "--incremental", "--tsBuildInfoFile", ".cache/tsc7.tsbuildinfo"],
  },
  {
    name: "format check",
    script: bin("prettier", "prettier"),
    args: ["--check", "--cache", "--cache-location", ".cache/prettier", "--cache-strategy", "content", "."],
  },
  // Streams to the terminal as it runs (colour, progress); arguments after `npm test --` go to it.
  { name: "tests", script: bin("vitest", "vitest"), args: ["run"], live: true },
];

/**
 * Runs the steps at once; resolves with the exit status of `npm test` once every step has ended. A step whose process
 * cannot start, or is killed by a signal, fails.
 */
export function checkAll(steps, { out = process.stdout, err = process.stderr } = {}) {
  const started = Date.now();
  const ends = steps.map(
    (step) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [step.script, ...step.args], { stdio: step.live ? "inherit" : "pipe" });
        let text = "";
        child.stdout?.on("data", (d) => (text += d));
        child.stderr?.on("data", (d) => (text += d));
        child.on("error", (e) => resolve({ step, code: 1, text: `${text}${e.message}\n` }));
        child.on("close", (code, signal) => resolve({ step, code: code ?? 1, signal, text, seconds: (Date.now() - started) / 1000 }));
      }),
  );
  return Promise.all(ends).then((results) => {
    for (const r of results.filter((r) => !r.step.live)) {
      const verdict = r.code === 0 ? "passed" : `FAILED (exit ${r.signal ?? r.code})`;
      (r.code === 0 ? out : err).write(`\n${r.step.name} ${verdict} in ${r.seconds?.toFixed(1) ?? "?"} s\n${r.code === 0 ? "" : r.text}`);
    }
    const failed = results.filter((r) => r.code !== 0);
    if (failed.length > 0) err.write(`\nnpm test failed: ${failed.map((r) => r.step.name).join(", ")}\n`);
    return failed[0]?.code ?? 0;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const extra = process.argv.slice(2);
  const steps = STEPS.map((s) => (s.live ? { ...s, args: [...s.args, ...extra] } : s));
  process.exitCode = await checkAll(steps);
}
