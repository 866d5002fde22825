/**
 * Import and drift benchmark: a tenant of N machine-to-machine applications (each with its own key and grants on 3 of
 * 10 APIs, plus the dev stack's two actions) served by `npm run tenant:local` in its own process, then `import` and
 * `drift` each run in a fresh process with the official SDK over HTTPS. Printed per command: wall time, split into
 * process start (loading modules), time with at least one Management API call in flight, and our own code (the rest);
 * the calls made, by endpoint; peak RSS. Target: credentials calls ≤ one per application, the other lists paged (no
 * call per grant or scope), and the wall time dominated by the calls, not by our code.
 *
 * The local tenant counts the Management API calls it serves (bench/count-calls.cjs), beside what our reader counted.
 * When auth0-deploy-cli is installed (`a0deploy` on PATH, or --deploy-cli PATH; never required, never a dependency),
 * its `export` of the same kinds (clients, resource servers, client grants, actions) from the same server runs beside
 * our import in --pairs pairs (ours, theirs, ours, theirs …): each tool's wall time and the calls the server counted,
 * and the per-pair wall-time ratio. When it is not installed the output says so and the rest runs as before.
 *
 *   npm run bench:drift [-- --apps 1000 --deploy-cli /path/to/a0deploy --pairs 3]
 */
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { dump } from "js-yaml";
import { endpointOf, type CallStats } from "../src/live/reader";
import { benchArgs } from "./args";
import { benchPublicKeys } from "./keys";

const root = path.resolve(__dirname, "..");
const cache = path.join(root, ".bench");
const rssReporter = path.join(__dirname, "rss-at-exit.cjs");
const callCounter = path.join(__dirname, "count-calls.cjs");
const API_COUNT = 10;
const READER = "bench-reader";

const values = benchArgs(__filename, {
  apps: { type: "string", default: "1000" },
  child: { type: "string" },
  url: { type: "string" },
  dir: { type: "string" },
  key: { type: "string" },
  "deploy-cli": { type: "string" },
  pairs: { type: "string", default: "3" },
});

interface ChildReport {
  command: string;
  /** ms from process start to the command's first line (module loading). */
  loadMs: number;
  /** ms of the command itself, and of it with at least one call in flight. */
  commandMs: number;
  busyMs: number;
  calls: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  detail: string;
  phases: [string, number][];
}

/** In a benchmarked child: runs one command in process and prints what it measured. */
async function child(command: string) {
  const loadMs = performance.now();
  const { runImport, runDrift } = await import("../src/live/commands");
  let stats: CallStats | undefined;
  let out = "";
  const phases: [string, number][] = [];
  const io = {
    onPhase: (name: string, ms: number) => void phases.push([name, ms]),
    out: (s: string) => void (out += s),
    err: (s: string) => void process.stderr.write(s),
    env: process.env,
    onRead: (s: CallStats) => void (stats = s),
  };
  const flags = { local: values.url!, clientId: READER, keyFile: values.key! };
  const started = performance.now();
  const code =
    command === "import"
      ? await runImport({ ...flags, stack: "imported", dir: values.dir!, keys: path.join(values.dir!, "keys"), force: true }, io)
      : await runDrift({ ...flags, stack: "bench", dir: values.dir!, format: "json" }, io);
  const commandMs = performance.now() - started;
  if (command === "drift" && !out.startsWith("{")) throw new Error(`drift exited ${code} without a report`);
  const detail =
    command === "drift"
      ? `exit ${code}, ${(JSON.parse(out) as { stacks: { changes: unknown[] }[] }).stacks[0]!.changes.length} findings`
      : `exit ${code}; ${/Wrote Pulumi\.imported\.yaml: [^\n]*/.exec(out)?.[0] ?? ""}`;
  const report: ChildReport = {
    command,
    loadMs,
    commandMs,
    busyMs: stats!.busyMs,
    calls: stats!.total,
    byEndpoint: stats!.byEndpoint,
    byStatus: stats!.byStatus,
    detail,
    phases,
  };
  process.stdout.write(JSON.stringify(report) + "\n");
}

function writeProject(apps: number, keys: string[]): string {
  const dir = path.join(cache, `drift-${apps}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "keys"), { recursive: true });
  writeFileSync(path.join(dir, "Pulumi.yaml"), readFileSync(path.join(root, "Pulumi.yaml")));
  cpSync(path.join(root, "test/fixtures/acme/actions"), path.join(dir, "actions"), { recursive: true }); // the example's actions, not the user's
  const apis = Object.fromEntries(
    [...Array(API_COUNT).keys()].map((i) => [
      `api-${i}`,
      { identifier: `https://api-${i}.bench.example`, name: `API ${i}`, scopes: { [`api${i}:read`]: "Read", [`api${i}:write`]: "Write" } },
    ]),
  );
  const applications: Record<string, unknown> = {};
  for (let a = 0; a < apps; a++) {
    writeFileSync(path.join(dir, "keys", `app-${a}.pem`), keys[a]!);
    const grants = Object.fromEntries([0, 1, 2].map((j) => (a + j * 3) % API_COUNT).map((i) => [`api-${i}`, [`api${i}:read`]]));
    applications[`app-${a}`] = {
      type: "m2m",
      name: `Service ${a}`,
      metadata: { tenant_id: `t${a}` },
      credentials: [{ name: `app-${a}-k1`, publicKey: `keys/app-${a}.pem`, expiresAt: "2030-01-01T00:00:00Z" }],
      grants,
    };
  }
  const tenant = {
    apis,
    applications,
    actions: {
      "login-claims": {
        trigger: "post-login",
        source: "actions/login-claims.ts",
        claims: [{ name: "https://acme.example/connection", from: "connection.name", tokens: ["id", "access"] }],
      },
      "client-claims": {
        trigger: "credentials-exchange",
        source: "actions/client-claims.ts",
        claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
      },
    },
    triggers: { "post-login": ["login-claims"], "credentials-exchange": ["client-claims"] },
  };
  writeFileSync(
    path.join(dir, "Pulumi.bench.yaml"),
    dump({ config: { "auth0:domain": "bench.eu.auth0.com", "auth0-tenant:tenant": tenant } }, { lineWidth: -1 }),
  );
  return dir;
}

interface ServedCalls {
  total: number;
  byEndpoint: Record<string, number>;
}

interface LocalTenant {
  url: string;
  /** The Management API calls the tenant served since the last ask. */
  calls: () => Promise<ServedCalls>;
  stop: () => void;
}

async function startTenant(dir: string, publicKeyFile: string, tlsDir: string): Promise<LocalTenant> {
  const server = spawn(
    process.execPath,
    [
      "-r",
      callCounter,
      path.join(root, "cli/auth0-tenant.mjs"),
      "tenant",
      "local",
      "--port",
      "0",
      "--dir",
      dir,
      "--stack",
      "bench",
      "--tls-dir",
      tlsDir,
      "--management-key",
      publicKeyFile,
      "--management-client-id",
      READER,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the local tenant did not start: ${out}`)), 120_000);
    server.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /at (https:\/\/localhost:\d+)/.exec(out);
      if (m && out.includes("Management API")) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.on("exit", (code) => reject(new Error(`the local tenant exited (${code}): ${out}`)));
  });
  const calls = () =>
    new Promise<ServedCalls>((resolve) => {
      server.once("message", (raw: Record<string, number>) => {
        const byEndpoint: Record<string, number> = {};
        for (const [call, n] of Object.entries(raw)) {
          const [method, pathname] = call.split(" ") as [string, string];
          const endpoint = endpointOf(method, new URL(pathname, url).href);
          byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + n;
        }
        resolve({ total: Object.values(byEndpoint).reduce((a, b) => a + b, 0), byEndpoint });
      });
      server.send("calls");
    });
  return { url, calls, stop: () => server.kill() };
}

function measure(command: string, url: string, dir: string, key: string, ca: string): ChildReport & { wallMs: number; rssMb: number } {
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    ["-r", rssReporter, "--import", "tsx", __filename, "--child", command, "--url", url, "--dir", dir, "--key", key],
    { cwd: root, encoding: "utf8", env: { ...process.env, NODE_EXTRA_CA_CERTS: ca }, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallMs = performance.now() - start;
  const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`${command} failed (${run.status}): ${run.stderr.slice(-3000)}`);
  const kb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { ...(JSON.parse(line) as ChildReport), wallMs, rssMb: kb / 1024 };
}

/** auth0-deploy-cli's executable, when installed: --deploy-cli, else `a0deploy` on PATH. */
function deployCli(): string | undefined {
  if (values["deploy-cli"]) return values["deploy-cli"];
  const found = spawnSync("sh", ["-c", "command -v a0deploy"], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
}

/** `a0deploy export` of the kinds our import reads, from the local tenant, with the reader's private_key_jwt. */
function measureDeployCli(bin: string, url: string, key: string, ca: string, scratch: string) {
  const config = path.join(scratch, "deploy-cli.json");
  writeFileSync(
    config,
    JSON.stringify({
      AUTH0_DOMAIN: new URL(url).host,
      AUTH0_CLIENT_ID: READER,
      AUTH0_CLIENT_SIGNING_KEY_PATH: key,
      AUTH0_CLIENT_SIGNING_ALGORITHM: "RS256",
      AUTH0_INCLUDED_ONLY: ["clients", "resourceServers", "clientGrants", "actions"],
      AUTH0_ALLOW_DELETE: false,
    }),
  );
  const start = performance.now();
  const run = spawnSync(
    bin,
    ["export", "--format", "yaml", "--output_folder", path.join(scratch, "deploy-cli-export"), "--config_file", config],
    {
      cwd: scratch,
      encoding: "utf8",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const tail = run.error ? `${run.error.message}` : `${run.stdout}${run.stderr}`.slice(-1500);
  return { wallMs: performance.now() - start, status: run.status, tail };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const apps = Math.max(1, Math.min(5000, Number(values.apps)));
  console.log(
    `node ${process.version}; a tenant of ${apps} M2M applications (1 key each, grants on 3 of ${API_COUNT} APIs) + 2 actions, served by tenant:local in its own process`,
  );
  const keys = await benchPublicKeys(apps);
  const dir = writeProject(apps, keys);
  const reader = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  // The reader's private key lives outside the repository, for this run only.
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-drift-"));
  writeFileSync(path.join(scratch, "reader.pub"), reader.publicKey);
  writeFileSync(path.join(scratch, "reader.key"), reader.privateKey, { mode: 0o600 });
  const tlsDir = path.join(cache, "tls");
  const tenant = await startTenant(dir, path.join(scratch, "reader.pub"), tlsDir);
  try {
    const ca = path.join(tlsDir, "ca.pem");
    const key = path.join(scratch, "reader.key");
    measure("drift", tenant.url, dir, key, ca); // warm-up: the server's first TLS handshakes and JIT
    await tenant.calls();
    const results: (ReturnType<typeof measure> & { served: ServedCalls })[] = [];
    for (const command of ["import", "drift"])
      results.push({ ...measure(command, tenant.url, dir, key, ca), served: await tenant.calls() });
    for (const r of results) {
      const ours = r.commandMs - r.busyMs;
      console.log(`\n${r.command} (${r.detail})`);
      console.log(
        `  wall ${r.wallMs.toFixed(0)} ms = process start and module loading ${(r.wallMs - r.commandMs).toFixed(0)} ms + the command ${r.commandMs.toFixed(0)} ms`,
      );
      console.log(
        `  the command: Management API calls in flight ${r.busyMs.toFixed(0)} ms (${((100 * r.busyMs) / r.commandMs).toFixed(0)}%), our code ${ours.toFixed(0)} ms (${((100 * ours) / r.commandMs).toFixed(0)}%)`,
      );
      console.log(`  phases: ${r.phases.map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`).join(", ")}`);
      console.log(
        `  peak RSS ${r.rssMb.toFixed(0)} MB; ${r.calls} calls (statuses ${JSON.stringify(r.byStatus)}); the server counted ${r.served.total}`,
      );
      for (const [endpoint, n] of Object.entries(r.byEndpoint).sort()) console.log(`    ${String(n).padStart(6)}  ${endpoint}`);
      const credentials = r.byEndpoint["GET /api/v2/clients/{id}/credentials"] ?? 0;
      const perItem = Object.keys(r.byEndpoint).filter((e) =>
        /client-grants\/\{id\}|resource-servers\/\{id\}|actions\/actions\/\{id\}|credentials\/\{id\}/.test(e),
      );
      console.log(
        `  target: credentials calls ${credentials} ≤ applications ${apps + 1} (+ the reader): ${credentials <= apps + 1 ? "met" : "MISSED"}; per-grant/scope/item calls: ${perItem.length === 0 ? "none (met)" : perItem.join(", ")}; calls dominate: ${r.busyMs >= r.commandMs - r.busyMs ? "met" : "MISSED"}`,
      );
    }
    const peer = deployCli();
    if (!peer) {
      console.log(
        "\nauth0-deploy-cli: NOT INSTALLED, side by side skipped (optional, never a dependency: `npm i -g auth0-deploy-cli` puts a0deploy on PATH, or pass --deploy-cli PATH)",
      );
      return;
    }
    const pairs = Math.max(1, Math.min(10, Number(values.pairs)));
    measureDeployCli(peer, tenant.url, key, ca, scratch); // warm-up, as for ours
    await tenant.calls();
    const rounds: { ours: number; theirs: number; ourCalls: ServedCalls; theirCalls: ServedCalls }[] = [];
    for (let i = 0; i < pairs; i++) {
      const ours = measure("import", tenant.url, dir, key, ca).wallMs;
      const ourCalls = await tenant.calls();
      const theirs = measureDeployCli(peer, tenant.url, key, ca, scratch);
      const theirCalls = await tenant.calls();
      if (theirs.status !== 0) {
        console.log(`\nauth0-deploy-cli export (${peer}) failed (exit ${theirs.status}), no comparison:\n${theirs.tail}`);
        return;
      }
      rounds.push({ ours, theirs: theirs.wallMs, ourCalls, theirCalls });
    }
    const ratios = rounds.map((r) => r.theirs / r.ours);
    console.log(`\nauth0-deploy-cli export (${peer}) of the same kinds beside our import, ${pairs} pair(s), ours first in each:`);
    for (const r of rounds)
      console.log(
        `  ours ${r.ours.toFixed(0)} ms, ${r.ourCalls.total} calls | theirs ${r.theirs.toFixed(0)} ms, ${r.theirCalls.total} calls | theirs / ours ${(r.theirs / r.ours).toFixed(2)}`,
      );
    console.log(
      `  wall time theirs / ours: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    );
    console.log("  their calls, by endpoint:");
    for (const [endpoint, n] of Object.entries(rounds[0]!.theirCalls.byEndpoint).sort())
      console.log(`    ${String(n).padStart(6)}  ${endpoint}`);
  } finally {
    tenant.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (values.child) {
  child(values.child).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
