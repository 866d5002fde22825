/**
 * Scale benchmark: tenants of N machine-to-machine apps × 10 APIs (each app with its own key and grants on 3 APIs),
 * each command timed in a fresh process beside the floor (a process that only loads @pulumi/pulumi and
 * @pulumi/auth0), in rounds of floor, plan, cold plan, review, local tenant, keys status; each ratio is the median of the rounds'
 * own ratios:
 * - plan with the key-facts cache of an earlier run (target ≤ 2× the floor, peak RSS ≤ 1 GB);
 * - plan without it (AUTH0_TENANT_CACHE_DIR=off, and no compile cache), every key parsed, as on a CI runner that keeps no
 *   cache (target ≤ 3×);
 * - review of a one-line change (target ≤ 2× the plan: it plans two revisions);
 * - local tenant start-up, until it serves (target ≤ 3× the floor);
 * - keys status (target ≤ 2× the floor).
 *
 * Every other command runs with the key-facts cache of a user who planned before (in .bench/, not the user's own).
 *
 *   npm run bench:plan [-- --runs 5 --sizes 1000,5000,10000]   (sizes up to 20000; keys are cached in .bench/)
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { dump } from "js-yaml";
import { processIo, progress } from "../cli/io";
import { benchArgs } from "./args";
import { benchPublicKeys } from "./keys";

const root = path.resolve(__dirname, "..");
const cache = path.join(root, ".bench");
const rssReporter = path.join(__dirname, "rss-at-exit.cjs");
const bin = path.join(root, "cli/auth0-tenant.mjs");
const API_COUNT = 10;
const MAX_SIZE = 20_000;

const values = benchArgs(__filename, {
  runs: { type: "string", default: "5" },
  sizes: { type: "string", default: "1000,5000,10000" },
  only: { type: "string" },
});
const runs = Math.max(1, Math.min(10, Number(values.runs)));
const sizes = values.sizes.split(",").map(Number);
for (const n of sizes) if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE) throw new Error(`--sizes: whole numbers from 1 to ${MAX_SIZE}`);
const io = processIo([]);
/** The key-facts cache the benchmark's commands share (warmed by each size's first plan); "off" for a cold plan. */
const warmCache = { ...process.env, AUTH0_TENANT_CACHE_DIR: path.join(cache, "key-facts") };
// A CI runner without the key-facts cache has no V8 compile cache either (Node >= 22.8 keeps one beside the CLI's bundle).
const noCache = { ...process.env, AUTH0_TENANT_CACHE_DIR: "off", NODE_DISABLE_COMPILE_CACHE: "1" };

function tenant(apps: number) {
  const apis = Object.fromEntries(
    [...Array(API_COUNT).keys()].map((i) => [
      `api-${i}`,
      { identifier: `https://api-${i}.bench.example`, scopes: { [`api${i}:read`]: "Read", [`api${i}:write`]: "Write" } },
    ]),
  );
  const applications: Record<string, unknown> = {};
  for (let a = 0; a < apps; a++) {
    const grants = Object.fromEntries([0, 1, 2].map((j) => (a + j * 3) % API_COUNT).map((i) => [`api-${i}`, [`api${i}:read`]]));
    applications[`app-${a}`] = {
      type: "m2m",
      metadata: { tenant_id: `t${a}` },
      credentials: [{ name: `app-${a}-k1`, publicKey: `keys/app-${a}.pem`, expiresAt: "2030-01-01T00:00:00Z" }],
      grants,
    };
  }
  return { apis, applications };
}

/** A project with the tenant committed in git, and a one-line change in the working tree (for the review). */
function writeProject(apps: number, keys: string[]): string {
  const dir = path.join(cache, `tenant-${apps}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "keys"), { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), readFileSync(path.join(root, "Pulumi.yaml")));
  for (let a = 0; a < apps; a++) writeFileSync(path.join(dir, "keys", `app-${a}.pem`), keys[a]!);
  const file = path.join(dir, "Pulumi.bench.yaml");
  writeFileSync(file, dump({ config: { "auth0:domain": "bench.eu.auth0.com", "auth0-tenant:tenant": tenant(apps) } }, { lineWidth: -1 }));
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "b",
        GIT_AUTHOR_EMAIL: "b@example.com",
        GIT_COMMITTER_NAME: "b",
        GIT_COMMITTER_EMAIL: "b@example.com",
      },
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "bench tenant");
  // The one-line change: app-0 gains api0:write.
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(/( +)- api0:read\n/, "$1- api0:read\n$1- api0:write\n"));
  if (readFileSync(file, "utf8") === text) throw new Error("the benchmark's one-line change did not apply");
  return dir;
}

interface Sample {
  ms: number;
  rssMb: number;
}

/**
 * Times one command in a fresh process. `answered` checks its output: a command that ends early with exit code 0 and
 * no answer (as `review` once did, when its git reader let the process end) must fail the benchmark, not win it.
 */
function measure(args: string[], answered: (stdout: string) => boolean, env = warmCache): Sample {
  const start = process.hrtime.bigint();
  // Bytes, decoded after the clock stops: decoding a 32 MB plan is the benchmark's work, not the command's.
  const child = spawnSync(process.execPath, ["-r", rssReporter, ...args], { cwd: root, env, maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const [stdout, stderr] = [child.stdout.toString("utf8"), child.stderr.toString("utf8")];
  if (child.status !== 0) throw new Error(`benchmark child failed (${child.status}): ${stderr.slice(0, 2000)}`);
  if (!answered(stdout)) throw new Error(`${args.slice(1, 3).join(" ")} did not give its answer: ${stdout.slice(0, 500)}`);
  const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { ms, rssMb: kb / 1024 };
}

/** Starts the local tenant and measures until it serves (it prints its URL once listening), then stops it. */
function measureStart(dir: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      ["-r", rssReporter, bin, "tenant", "local", "--dir", dir, "--stack", "bench", "--port", "0", "--http"],
      { cwd: root, env: warmCache },
    );
    let out = "";
    let err = "";
    let ms = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!ms && /at http:\/\/localhost:\d+/.test(out)) {
        ms = Number(process.hrtime.bigint() - start) / 1e6;
        child.kill("SIGTERM");
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    // "close", not "exit": the peak RSS line is the child's last stderr output, read only once its pipes are drained.
    child.on("close", () => {
      if (!ms) return reject(new Error(`the local tenant did not start: ${err.slice(0, 2000)}`));
      resolve({ ms, rssMb: Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(err)?.[1] ?? NaN) / 1024 });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Medians of each figure over the rounds, and of each round's ratio (to its own floor, or to its own plan). */
function summary(samples: Sample[], ratios: number[]): Sample & { ratio: number } {
  // A run that was stopped before it could report its peak RSS has none: the median is of those that did.
  const rss = samples.map((s) => s.rssMb).filter(Number.isFinite);
  return { ms: median(samples.map((s) => s.ms)), rssMb: rss.length > 0 ? median(rss) : NaN, ratio: median(ratios) };
}

const cell = (s: Sample & { ratio: number }, target: number) =>
  `${s.ms.toFixed(0).padStart(7)} ms ${s.rssMb.toFixed(0).padStart(5)} MB ${s.ratio.toFixed(2).padStart(5)}× ${s.ratio <= target ? "met" : "MISSED"}`;

const floorArgs = ["-e", "require('@pulumi/pulumi'); require('@pulumi/auth0')"];

async function main() {
  const keys = await benchPublicKeys(Math.max(...sizes));
  console.log(`node ${process.version}, ${runs} round(s) per size (medians), ${API_COUNT} APIs, 3 grants per app`);
  console.log(
    "Each round times the floor (a process that loads @pulumi/pulumi + @pulumi/auth0), then plan, plan without the key cache, review, local tenant and keys status; a ratio is the median of the rounds' own ratios, so the machine's drift during a run cancels out.",
  );
  console.log(
    "  apps  resources  floor | plan (≤2× floor, ≤1 GB)          | cold plan, no key cache (≤3×)    | review, 1-line change (≤2× plan) | tenant local start (≤3× floor)   | keys status (≤2× floor)",
  );
  const spreads: string[] = [];
  for (const apps of sizes) {
    const building = progress(io, `${apps} apps`);
    building.update("writing the tenant");
    const dir = writeProject(apps, keys);
    const planArgs = [bin, "plan", "--dir", dir, "--stack", "bench", "--json"];
    const out = execFileSync(process.execPath, planArgs, { cwd: root, env: warmCache, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    const resources = (JSON.parse(out) as { resourceTotal: number }).resourceTotal;
    const rounds: Record<"floor" | "plan" | "cold" | "review" | "start" | "status", Sample>[] = [];
    for (let round = 1; round <= runs; round++) {
      building.update(`round ${round}/${runs}: floor`);
      const floor = measure(floorArgs, () => true);
      building.update(`round ${round}/${runs}: plan`);
      const plan = measure(planArgs, (out) => (JSON.parse(out) as { resourceTotal: number }).resourceTotal === resources);
      building.update(`round ${round}/${runs}: plan without the key-facts cache`);
      const cold = measure(planArgs, (out) => (JSON.parse(out) as { resourceTotal: number }).resourceTotal === resources, noCache);
      building.update(`round ${round}/${runs}: review`);
      const review = measure([bin, "review", "--dir", dir, "--base", "HEAD", "--stack", "bench", "--format", "json"], (out) =>
        out.includes('"kind":"grant.scope-gained"'),
      );
      building.update(`round ${round}/${runs}: tenant local`);
      const start = await measureStart(dir);
      building.update(`round ${round}/${runs}: keys status`);
      const status = measure([bin, "keys", "status", "--dir", dir, "--stack", "bench", "--json"], (out) =>
        out.includes(`"app-${apps - 1}"`),
      );
      rounds.push({ floor, plan, cold, review, start, status });
    }
    building.done();
    const of = (k: keyof (typeof rounds)[number], to?: "floor" | "plan") =>
      summary(
        rounds.map((r) => r[k]),
        rounds.map((r) => (to ? r[k].ms / r[to].ms : NaN)),
      );
    const plan = of("plan", "floor");
    const each = (k: "plan" | "cold" | "review" | "start" | "status", to: "floor" | "plan") =>
      `${k === "start" ? "local" : k} ${rounds.map((r) => (r[k].ms / r[to].ms).toFixed(2)).join(" ")}`;
    spreads.push(
      `${String(apps).padStart(6)}  ${[each("plan", "floor"), each("cold", "floor"), each("review", "plan"), each("start", "floor"), each("status", "floor")].join(" | ")}`,
    );
    console.log(
      `${String(apps).padStart(6)}  ${String(resources).padStart(9)} ${of("floor").ms.toFixed(0).padStart(6)} | ${cell(plan, plan.rssMb <= 1024 ? 2 : 0)} | ${cell(of("cold", "floor"), 3)} | ${cell(of("review", "plan"), 2)} | ${cell(of("start", "floor"), 3)} | ${cell(of("status", "floor"), 2)}`,
    );
  }
  console.log("each round's ratio (the spread behind each median):");
  for (const line of spreads) console.log(line);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
