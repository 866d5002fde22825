/**
 * CLI start benchmark: the CPU time (user + system, the process alone) of short `auth0-tenant` commands in fresh
 * processes, beside a bare `node -e 0`, optionally against another checkout of the project (paired rounds, the same
 * minute, so the machine's drift cancels out in the per-round ratios).
 *
 *   npm run -s bench:cli-start -- [--runs 10 --base /path/to/other/checkout --node /path/to/node]
 *
 * --base: a checkout with its own node_modules (or a symlink to one) whose cli/auth0-tenant.mjs is compared.
 * --base-env NAME=VALUE: instead, this checkout again with that variable set (NODE_DISABLE_COMPILE_CACHE=1: the
 *   compile cache's gain).
 * --node: the Node binary the commands run with (the compile cache needs Node >= 22.1).
 * The compile cache (Node >= 22.8) is used as on a user's second run; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { benchArgs } from "./args";

const values = benchArgs(__filename, {
  runs: { type: "string", default: "10" },
  base: { type: "string" },
  "base-env": { type: "string" },
  node: { type: "string", default: process.execPath },
});
const runs = Math.max(3, Math.min(200, Number(values.runs)));
const root = path.resolve(__dirname, "..");
const reporter = path.join(__dirname, "cpu-at-exit.cjs");
const node = values.node!;

const COMMANDS: string[][] = [["--version"], ["--help"], ["completion", "bash"], ["plan", "--json"]];

/** CPU ms of one process running `args` (it must exit 0). */
function cpuMs(args: string[], cwd = root, env: NodeJS.ProcessEnv = process.env): number {
  const child = spawnSync(node, ["-r", reporter, ...args], { cwd, env, maxBuffer: 256 * 1024 * 1024 });
  const stderr = child.stderr.toString("utf8");
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed (${child.status}): ${stderr.slice(0, 2000)}`);
  const us = /BENCH_CPU_US=(\d+)/.exec(stderr);
  if (!us) throw new Error(`${args.join(" ")}: no CPU figure`);
  return Number(us[1]) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
interface Variant {
  label: string;
  dir: string;
  env: NodeJS.ProcessEnv;
}
if (values.base && values["base-env"]) throw new Error("--base and --base-env: one or the other");
const baseEnv = values["base-env"] ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(values["base-env"]) : undefined;
if (values["base-env"] && !baseEnv) throw new Error(`--base-env ${values["base-env"]}: expected NAME=VALUE`);
const variants: Variant[] = [
  { label: "this", dir: root, env: process.env },
  ...(values.base ? [{ label: "base", dir: path.resolve(values.base), env: process.env }] : []),
  ...(baseEnv ? [{ label: baseEnv[0]!, dir: root, env: { ...process.env, [baseEnv[1]!]: baseEnv[2]! } }] : []),
];
const cli = (v: Variant) => path.join(v.dir, "cli/auth0-tenant.mjs");

// One run each first: a source change is compiled once, outside the figures.
for (const v of variants) for (const args of COMMANDS) cpuMs([cli(v), ...args], v.dir, v.env);
const floor: number[] = [];
const samples = new Map<string, number[]>();
const ratios = new Map<string, number[]>();
for (let round = 0; round < runs; round++) {
  floor.push(cpuMs(["-e", "0"]));
  for (const args of COMMANDS) {
    const key = args.join(" ");
    const [mine, other] = variants.map((v) => cpuMs([cli(v), ...args], v.dir, v.env));
    samples.set(`this ${key}`, [...(samples.get(`this ${key}`) ?? []), mine!]);
    if (other !== undefined) {
      samples.set(`${variants[1]!.label} ${key}`, [...(samples.get(`${variants[1]!.label} ${key}`) ?? []), other]);
      ratios.set(key, [...(ratios.get(key) ?? []), mine! / other]);
    }
  }
}
console.log(
  `node ${spawnSync(node, ["-v"]).stdout.toString().trim()}; ${runs} rounds; CPU ms (user + system) of the process, median [min–max]`,
);
const row = (name: string, xs: number[]) =>
  `${name.padEnd(44)} ${median(xs).toFixed(0).padStart(5)}  [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
console.log(row("node -e 0", floor));
for (const args of COMMANDS)
  for (const v of variants) {
    const key = args.join(" ");
    const ratio = v !== variants[0] ? `  this/${v.label} ${median(ratios.get(key)!).toFixed(2)} (median of rounds)` : "";
    console.log(row(`${v.label} ${key}`, samples.get(`${v.label} ${key}`)!) + ratio);
  }
