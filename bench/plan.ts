/**
 * Plan benchmark: generates tenants of 10, 100 and 1000 M2M apps × 10 APIs (each app with its own key and
 * grants on 3 APIs) and times `cli/plan.ts` on each in a fresh process, beside the floor: a process that only
 * loads @pulumi/pulumi and @pulumi/auth0. Target: 1000 apps in at most 3× the floor.
 *
 *   npm run bench:plan [-- --runs 3 --sizes 10,100,1000]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPair } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import { stringify } from "yaml";

const root = path.resolve(__dirname, "..");
const cache = path.join(root, ".bench");
const rssReporter = path.join(__dirname, "rss-at-exit.cjs");
const API_COUNT = 10;

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" }, sizes: { type: "string", default: "10,100,1000" } } });
const runs = Math.max(1, Math.min(10, Number(values.runs)));
const sizes = values.sizes
  .split(",")
  .map(Number)
  .filter((n) => n > 0 && n <= 5000);

/** Unique keys are required (a key shared by two apps is a spec error); they are cached between runs. */
async function publicKeys(count: number): Promise<string[]> {
  const dir = path.join(cache, "keys");
  mkdirSync(dir, { recursive: true });
  const gen = promisify(generateKeyPair);
  const missing = [...Array(count).keys()].filter((i) => !existsSync(path.join(dir, `k${i}.pem`)));
  for (let i = 0; i < missing.length; i += 8) {
    await Promise.all(
      missing.slice(i, i + 8).map(async (n) => {
        const { publicKey } = await gen("rsa", {
          modulusLength: 2048,
          publicKeyEncoding: { type: "spki", format: "pem" },
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
        });
        writeFileSync(path.join(dir, `k${n}.pem`), publicKey);
      }),
    );
  }
  return [...Array(count).keys()].map((i) => readFileSync(path.join(dir, `k${i}.pem`), "utf8"));
}

function writeProject(apps: number, keys: string[]): string {
  const dir = path.join(cache, `tenant-${apps}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "keys"), { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), readFileSync(path.join(root, "Pulumi.yaml")));
  const apis = Object.fromEntries(
    [...Array(API_COUNT).keys()].map((i) => [
      `api-${i}`,
      { identifier: `https://api-${i}.bench.example`, scopes: { [`api${i}:read`]: "Read", [`api${i}:write`]: "Write" } },
    ]),
  );
  const applications: Record<string, unknown> = {};
  for (let a = 0; a < apps; a++) {
    writeFileSync(path.join(dir, "keys", `app-${a}.pem`), keys[a]!);
    const grants = Object.fromEntries([0, 1, 2].map((j) => (a + j * 3) % API_COUNT).map((i) => [`api-${i}`, [`api${i}:read`]]));
    applications[`app-${a}`] = {
      type: "m2m",
      metadata: { tenant_id: `t${a}` },
      credentials: [{ name: `app-${a}-k1`, publicKey: `keys/app-${a}.pem`, expiresAt: "2030-01-01T00:00:00Z" }],
      grants,
    };
  }
  writeFileSync(
    path.join(dir, "Pulumi.bench.yaml"),
    stringify({ config: { "auth0:domain": "bench.eu.auth0.com", "auth0-tenant:tenant": { apis, applications } } }),
  );
  return dir;
}

interface Sample {
  ms: number;
  rssMb: number;
}

function measure(args: string[]): Sample {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["-r", rssReporter, ...args], { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`benchmark child failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
  const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? NaN);
  return { ms, rssMb: kb / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function repeat(args: string[]): Sample {
  const samples = [...Array(runs)].map(() => measure(args));
  return { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.rssMb)) };
}

async function main() {
  const keys = await publicKeys(Math.max(...sizes));
  const floor = repeat(["-e", "require('@pulumi/pulumi'); require('@pulumi/auth0')"]);
  console.log(`node ${process.version}, ${runs} run(s) per figure (median), ${API_COUNT} APIs, 3 grants per app`);
  console.log(`floor (load @pulumi/pulumi + @pulumi/auth0): ${floor.ms.toFixed(0)} ms, peak RSS ${floor.rssMb.toFixed(0)} MB`);
  console.log("apps  resources  plan wall ms  peak RSS MB  ratio to floor  target ≤3×");
  for (const apps of sizes) {
    const dir = writeProject(apps, keys);
    const out = execFileSync(process.execPath, ["--import", "tsx", "cli/plan.ts", "--dir", dir, "--stack", "bench", "--json"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const resources = (JSON.parse(out) as { resourceTotal: number }).resourceTotal;
    const s = repeat(["--import", "tsx", "cli/plan.ts", "--dir", dir, "--stack", "bench", "--json"]);
    const ratio = s.ms / floor.ms;
    console.log(
      `${String(apps).padStart(4)}  ${String(resources).padStart(9)}  ${s.ms.toFixed(0).padStart(12)}  ${s.rssMb.toFixed(0).padStart(11)}  ${ratio.toFixed(2).padStart(14)}  ${ratio <= 3 ? "met" : "MISSED"}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
