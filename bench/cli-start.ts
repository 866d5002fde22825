/**
 * CLI start benchmark: the CPU time (user + system, the process alone) of short `auth0-tenant` commands in fresh
 * processes, beside a bare `node -e 0`, optionally against another checkout of the project (paired rounds, the same
 * minute, so the machine's drift cancels out in the per-round ratios).
 *
 *   npx tsx bench/cli-start.ts [-- --runs 10 --base /path/to/other/checkout --node /path/to/node]
 *
 * --base: a checkout with its own node_modules (or a symlink to one) whose cli/auth0-tenant.mjs is compared.
 * --node: the Node binary the commands run with (the compile cache needs Node >= 22.1).
 * Each process's compile cache is used as a user's second run would; AUTH0_TENANT_COMPILE_CACHE=off turns it off.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { benchArgs } from "./args";

const values = benchArgs(__filename, {
  runs: { type: "string", default: "10" },
  base: { type: "string" },
  node: { type: "string", default: process.execPath },
});
const runs = Math.max(3, Math.min(200, Number(values.runs)));
const root = path.resolve(__dirname, "..");
const reporter = path.join(__dirname, "cpu-at-exit.cjs");
const node = values.node!;

const COMMANDS: string[][] = [["--version"], ["--help"], ["completion", "bash"], ["plan", "--json"]];

/** CPU ms of one process running `args` (it must exit 0). */
function cpuMs(args: string[], cwd = root): number {
  const child = spawnSync(node, ["-r", reporter, ...args], { cwd, env: process.env, maxBuffer: 256 * 1024 * 1024 });
  const stderr = child.stderr.toString("utf8");
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed (${child.status}): ${stderr.slice(0, 2000)}`);
  const us = /BENCH_CPU_US=(\d+)/.exec(stderr);
  if (!us) throw new Error(`${args.join(" ")}: no CPU figure`);
  return Number(us[1]) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const checkouts = [root, ...(values.base ? [path.resolve(values.base)] : [])];
const label = (dir: string) => (dir === root ? "this" : "base");
const cli = (dir: string) => path.join(dir, "cli/auth0-tenant.mjs");

// One run each first: a source change is compiled once, outside the figures.
for (const dir of checkouts) for (const args of COMMANDS) cpuMs([cli(dir), ...args], dir);
const floor: number[] = [];
const samples = new Map<string, number[]>();
const ratios = new Map<string, number[]>();
for (let round = 0; round < runs; round++) {
  floor.push(cpuMs(["-e", "0"]));
  for (const args of COMMANDS) {
    const mine = cpuMs([cli(root), ...args], root);
    const key = args.join(" ");
    samples.set(`this ${key}`, [...(samples.get(`this ${key}`) ?? []), mine]);
    if (values.base) {
      const base = cpuMs([cli(checkouts[1]!), ...args], checkouts[1]);
      samples.set(`base ${key}`, [...(samples.get(`base ${key}`) ?? []), base]);
      ratios.set(key, [...(ratios.get(key) ?? []), mine / base]);
    }
  }
}
console.log(
  `node ${spawnSync(node, ["-v"]).stdout.toString().trim()}; ${runs} rounds; CPU ms (user + system) of the process, median [min–max]`,
);
const row = (name: string, xs: number[]) =>
  `${name.padEnd(28)} ${median(xs).toFixed(0).padStart(5)}  [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
console.log(row("node -e 0", floor));
for (const args of COMMANDS)
  for (const dir of checkouts) {
    const key = args.join(" ");
    const ratio = dir !== root && ratios.has(key) ? `  this/base ${median(ratios.get(key)!).toFixed(2)} (median of rounds)` : "";
    console.log(row(`${label(dir)} ${key}`, samples.get(`${label(dir)} ${key}`)!) + ratio);
  }
