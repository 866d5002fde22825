/**
 * Token endpoint load benchmark: bounded concurrent requests on 127.0.0.1 for a fixed time against the local
 * tenant (one credentials-exchange action bound), sent from a worker thread (bench/token-load.mjs) so the clients'
 * work stays off the server's event loop, beside the ceiling measured in the same run: jose RS256 verify of one
 * assertion + sign of one token per request, on one core. Targets: ≥60% of the ceiling over HTTPS with
 * keep-alive, zero errors, zero replays accepted, memory flat.
 *
 * Runs, each `--seconds` long: HTTPS with keep-alive (the headline), plain HTTP with keep-alive, and HTTPS with a new
 * connection per request; then TLS handshakes alone. The difference between the first two is TLS's cost per
 * request on a kept-alive connection; the last two show what a handshake costs.
 *
 * Then the user login beside it: complete authorization-code logins per second over HTTPS with keep-alive (GET
 * /authorize -> login page -> POST the form -> code -> POST /oauth/token with the PKCE verifier), one post-login action
 * bound, from a second worker (bench/token-login-load.mjs), as a share of the same run's client-credentials rate
 * (target: at least 50 %), with p50/p99 per login and peak RSS.
 *
 *   npm run bench:token [-- --seconds 5 --concurrency 16]
 *   npm run bench:token -- --soak 60 --assertion-lifetime 10     (memory over a run long enough to expire jtis)
 *
 * Side by side with oidc-provider (bench/token-peer.ts): each server in its own process, A/B pairs alternating,
 * per-pair tokens/s ratio, CPU per token, p50/p99, peak RSS, and the correctness cases both are sent (targets: CPU
 * per token at or below the peer's, tokens/s at least 1.5× it). `--profile DIR` writes both servers' --cpu-prof.
 * `--payloads`: `same` (every request asks for one scope: the tokens of one second are byte-identical, and ours signs
 * each once), `distinct` (each request asks for another scope set: every token is signed) or `both` (the default,
 * one series of pairs each, the budget shared).
 *
 * `--parts`: CPU per token of each piece in process, without HTTP (bench/token-parts.ts).
 *
 *   npm run bench:token -- --parts [--seconds 5]
 *   npm run bench:token -- --peer [--pairs 7 --budget 240 --seconds 3 --concurrency 16 --warmup 8 --profile DIR --payloads both]
 *
 * `--warmup` (seconds, per server, not counted) precedes the pairs: until V8 has compiled the hot paths its compiler
 * threads add to the first pairs' CPU per token.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { connect as tlsConnect } from "node:tls";
import { Worker } from "node:worker_threads";
import { jwtVerify, SignJWT } from "jose";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { localClientId, startLocalTenant, type LocalTenant } from "../src/local-tenant";
import { ASSERTION_TYPE } from "../src/local-tenant/assertion";
import { clientAssertion } from "../src/local-tenant/client";
import { parseUsers } from "../src/local-tenant/login/users";
import { benchArgs } from "./args";
import { runParts } from "./token-parts";
import { BENCH_SCOPES, runPeer } from "./token-peer";

const values = benchArgs(__filename, {
  seconds: { type: "string", default: "5" },
  concurrency: { type: "string", default: "16" },
  soak: { type: "string", default: "0" },
  "assertion-lifetime": { type: "string", default: "10" },
  peer: { type: "boolean", default: false },
  pairs: { type: "string", default: "7" },
  budget: { type: "string", default: "240" },
  profile: { type: "string" },
  payloads: { type: "string", default: "both" },
  parts: { type: "boolean", default: false },
  warmup: { type: "string", default: "8" },
});
const seconds = Math.max(1, Math.min(60, Number(values.seconds)));
const concurrency = Math.max(1, Math.min(128, Number(values.concurrency)));
const soakSeconds = Math.max(0, Math.min(600, Number(values.soak)));
const soakLifetime = Math.max(5, Math.min(300, Number(values["assertion-lifetime"])));
const root = path.resolve(__dirname, "..");

function payloadModes(value: string): ("same" | "distinct")[] {
  if (value === "both") return ["same", "distinct"];
  if (value === "same" || value === "distinct") return [value];
  process.stderr.write(`token.ts: --payloads must be same, distinct or both, not ${value}\n`);
  process.exit(2);
}
const DOMAIN = "bench.eu.auth0.com";

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

/** One request's crypto, without HTTP or our code: verify an RS256 assertion, sign an RS256 token. */
async function ceiling(ms: number): Promise<number> {
  const client = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const tenant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const assertion = await new SignJWT({ jti: "x" })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer("c")
    .setSubject("c")
    .setAudience("a")
    .setExpirationTime("5m")
    .sign(client.privateKey);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await jwtVerify(assertion, client.publicKey, { audience: "a" });
    await new SignJWT({ scope: "s" })
      .setProtectedHeader({ alg: "RS256" })
      .setIssuer("i")
      .setAudience("a")
      .setExpirationTime("1h")
      .sign(tenant.privateKey);
    n++;
  }
  return n / (ms / 1000);
}

interface Target {
  name: string;
  origin: string;
  ca?: string;
  keepAlive: boolean;
  post: (body: string) => Promise<number>;
  close: () => void;
}

/** A client for one origin (the replay checks; the load itself comes from a worker with the same settings). */
function target(name: string, tenant: LocalTenant, keepAlive: boolean): Target {
  const https = tenant.protocol === "https";
  // 127.0.0.1 rather than localhost: no name lookup per connection (the certificate names the address too).
  const origin = tenant.url.replace("localhost", "127.0.0.1");
  const agent = https
    ? new HttpsAgent({ keepAlive, maxSockets: concurrency, ca: tenant.tls!.caPem })
    : new HttpAgent({ keepAlive, maxSockets: concurrency });
  const send = https ? httpsRequest : httpRequest;
  const url = `${origin}/oauth/token`;
  return {
    name,
    origin,
    ...(https ? { ca: tenant.tls!.caPem } : {}),
    keepAlive,
    post: (body) =>
      new Promise((resolve, reject) => {
        const req = send(
          url,
          {
            method: "POST",
            agent,
            headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

const form = (assertion: string) =>
  new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    audience: "https://orders.bench",
  }).toString();

/** Signs n assertions for an origin, in parallel batches (jose signs on libuv's threads). */
async function presign(n: number, make: (jti: string) => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) out.push(...(await Promise.all(Array.from({ length: Math.min(64, n - out.length) }, () => make(randomUUID())))));
  return out;
}

interface RunResult {
  perSec: number;
  ok: number;
  errors: number;
  statuses: Record<number, number>;
  latencies: number[];
  used: string[];
  rss: number[];
}

/**
 * Sends load for `ms` from a worker thread (bench/token-load.mjs): pre-signed assertions, each once, or assertions
 * the worker signs just in time. Samples RSS (and `onSample`) every 500 ms meanwhile.
 */
async function load(
  t: Target,
  ms: number,
  source: { assertions: string[] } | { sign: { clientId: string; keyPem: string; aud: string; lifetime: number } },
  onSample?: () => void,
): Promise<RunResult> {
  const rss: number[] = [rssMb()];
  const sampler = setInterval(() => {
    rss.push(rssMb());
    onSample?.();
  }, 500);
  const worker = new Worker(path.join(__dirname, "token-load.mjs"), {
    workerData: {
      url: `${t.origin}/oauth/token`,
      ca: t.ca,
      keepAlive: t.keepAlive,
      concurrency,
      ms,
      params: { scope: BENCH_SCOPES[0] },
      ...source,
    },
  });
  const out = await new Promise<{
    ok: number;
    errors: number;
    statuses: Record<number, number>;
    latencies: Float64Array;
    used: number;
    usedSample: string[];
    elapsed: number;
  }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  clearInterval(sampler);
  rss.push(rssMb());
  const used = "assertions" in source ? source.assertions.slice(0, out.used) : out.usedSample;
  return { perSec: out.ok / out.elapsed, ok: out.ok, errors: out.errors, statuses: out.statuses, latencies: [...out.latencies], used, rss };
}

/** Sends a sample of used assertions again: every one must be refused. */
async function replays(t: Target, used: string[]): Promise<number> {
  let accepted = 0;
  const sample = Math.min(used.length, 200);
  for (let i = 0; i < sample; i++) if ((await t.post(form(used[Math.floor((i * used.length) / sample)]!))) === 200) accepted++;
  return accepted;
}

/** TLS handshakes alone (connect, handshake, close), `concurrency` at a time: what a new connection costs. */
async function handshakes(tenant: LocalTenant, ms: number): Promise<{ perSec: number; p50: number }> {
  const port = Number(new URL(tenant.url).port);
  const times: number[] = [];
  const stopAt = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        await new Promise<void>((resolve, reject) => {
          const s = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ca: tenant.tls!.caPem }, () => {
            times.push(performance.now() - t0);
            s.destroy();
            resolve();
          });
          s.on("error", reject);
        });
      }
    }),
  );
  return { perSec: times.length / ((performance.now() - started) / 1000), p50: quantile(times, 0.5) };
}

function report(name: string, r: RunResult, ceilingPerSec: number, replaysAccepted: number) {
  const statuses = Object.entries(r.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(" ");
  console.log(
    `${name.padEnd(34)} ${r.perSec.toFixed(0).padStart(5)} tokens/s  ${((r.perSec / ceilingPerSec) * 100).toFixed(0).padStart(3)}% of ceiling  ` +
      `p50 ${quantile(r.latencies, 0.5).toFixed(2)} ms  p99 ${quantile(r.latencies, 0.99).toFixed(2)} ms  errors ${r.errors}  replays accepted ${replaysAccepted}  [${statuses}]`,
  );
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-token-"));
  try {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    writeProject(dir, publicKey);
    const tlsDir = path.join(dir, "tls"); // a throwaway CA, not the user's cached one
    if (values.peer) {
      process.exitCode = await runPeer({
        dir,
        tlsDir,
        clientId: localClientId("bench", "svc"),
        clientPrivateKeyPem: privateKey,
        clientPublicKeyPem: publicKey,
        claim: { name: "https://acme.example/tenant_id", value: "acme" },
        seconds,
        pairs: Math.max(1, Math.min(41, Number(values.pairs))),
        budgetSeconds: Math.max(10, Math.min(1800, Number(values.budget))),
        concurrency,
        warmupSeconds: Math.max(1, Math.min(60, Number(values.warmup))),
        ...(values.profile ? { profileDir: path.resolve(values.profile) } : {}),
        payloads: payloadModes(values.payloads),
      });
      return;
    }
    const users = parseUsers({ users: { ada: { ...LOGIN_USER, roles: ["admin"] } } }, "(bench users)");
    const httpsTenant = await startLocalTenant({ dir, stack: "bench", port: 0, tlsDir, users });
    const httpTenant = await startLocalTenant({ dir, stack: "bench", port: 0, protocol: "http", users });
    const clientId = localClientId("bench", "svc");
    const sign = (origin: string, lifetimeSeconds: number) => (jti: string) =>
      clientAssertion({ clientId, privateKeyPem: privateKey, alg: "RS256", audience: `${origin}/`, jti, lifetimeSeconds });

    console.log(
      `node ${process.version}; ${cpus().length} cores; 1 credentials-exchange action and 1 post-login action bound; load from a worker thread (${concurrency} concurrent requests) to the server on 127.0.0.1 in the same process`,
    );
    const ceilingPerSec = await ceiling(2000);
    console.log(`ceiling (jose RS256 verify + sign per request, one core, measured now): ${ceilingPerSec.toFixed(0)}/s`);

    if (values.parts) {
      await runParts(httpTenant, { clientId, keyPem: privateKey }, Math.max(200, Math.round(ceilingPerSec * seconds)), 3);
      await httpsTenant.close();
      await httpTenant.close();
      return;
    }
    if (soakSeconds > 0) {
      await soak(httpsTenant, { clientId, keyPem: privateKey }, ceilingPerSec);
      await httpsTenant.close();
      await httpTenant.close();
      return;
    }

    const runs: [string, LocalTenant, boolean][] = [
      ["HTTPS, keep-alive", httpsTenant, true],
      ["HTTP, keep-alive", httpTenant, true],
      ["HTTPS, new connection per request", httpsTenant, false],
    ];
    const results: RunResult[] = [];
    console.log(`${seconds}s per run after 1 s of warm-up; assertions signed before each run (a workload signs its own), 280 s lifetime`);
    for (const [name, tenant, keepAlive] of runs) {
      const t = target(name, tenant, keepAlive);
      // Budget: enough for the run at the ceiling rate plus a margin; the run stops at the time limit.
      const warmup = await presign(Math.ceil(ceilingPerSec * 1.3), sign(t.origin, 280));
      const assertions = await presign(Math.ceil(ceilingPerSec * seconds * 1.3), sign(t.origin, 280));
      await load(t, 1000, { assertions: warmup }); // 1 s, not counted: JIT, key caches
      const r = await load(t, seconds * 1000, { assertions });
      if (r.used.length >= assertions.length)
        console.log(`note: the ${assertions.length} pre-signed assertions ran out before ${seconds}s`);
      report(name, r, ceilingPerSec, await replays(t, r.used));
      results.push(r);
      t.close();
    }
    const [tlsKa, plainKa, tlsNew] = results as [RunResult, RunResult, RunResult];
    await loginRun(httpsTenant, tlsKa.perSec);
    const hs = await handshakes(httpsTenant, Math.min(3000, seconds * 1000));
    console.log(
      `TLS handshakes alone (ECDSA P-256 certificate; client and server on the main thread): ${hs.perSec.toFixed(0)}/s, p50 ${hs.p50.toFixed(2)} ms`,
    );
    console.log(
      `TLS cost with keep-alive: ${(((plainKa.perSec - tlsKa.perSec) / plainKa.perSec) * 100).toFixed(1)}% of HTTP's throughput ` +
        `(p50 ${(quantile(tlsKa.latencies, 0.5) - quantile(plainKa.latencies, 0.5)).toFixed(2)} ms); without keep-alive: ${(((plainKa.perSec - tlsNew.perSec) / plainKa.perSec) * 100).toFixed(1)}%`,
    );
    const all = results.flatMap((r) => r.rss);
    console.log(
      `RSS MB start ${all[0]!.toFixed(0)}, max ${Math.max(...all).toFixed(0)}, end ${all.at(-1)!.toFixed(0)}; jti cache entries at end ${httpsTenant.endpoint.replay.size} (HTTPS) + ${httpTenant.endpoint.replay.size} (HTTP)`,
    );
    await httpsTenant.close();
    await httpTenant.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench project: one M2M app with the client key, one web app, the credentials-exchange and post-login actions. */
function writeProject(dir: string, publicKey: string) {
  mkdirSync(path.join(dir, "keys"));
  mkdirSync(path.join(dir, "actions/lib"), { recursive: true });
  for (const f of ["actions/client-claims.ts", "actions/login-claims.ts", "actions/lib/mapping.ts", "actions/lib/auth0.ts"])
    writeFileSync(path.join(dir, f), readFileSync(path.join(root, "test/fixtures/acme", f)));
  writeFileSync(path.join(dir, "keys/svc.pem"), publicKey);
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: auth0-tenant\nruntime: nodejs\n");
  writeFileSync(
    path.join(dir, "Pulumi.bench.yaml"),
    stringify({
      config: {
        "auth0:domain": DOMAIN,
        "auth0-tenant:tenant": {
          apis: { orders: { identifier: "https://orders.bench", scopes: Object.fromEntries(BENCH_SCOPES.map((s) => [s, s])) } },
          applications: {
            svc: {
              type: "m2m",
              metadata: { tenant_id: "acme" },
              credentials: [{ name: "svc", publicKey: "keys/svc.pem" }],
              grants: { orders: BENCH_SCOPES },
            },
            web: { type: "regular_web", callbacks: [LOGIN_CALLBACK] },
          },
          actions: {
            claims: {
              trigger: "credentials-exchange",
              source: "actions/client-claims.ts",
              claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
            },
            "login-claims": {
              trigger: "post-login",
              source: "actions/login-claims.ts",
              claims: [
                { name: "https://acme.example/roles", from: "authorization.roles", tokens: ["id", "access"] },
                { name: "https://acme.example/connection", from: "connection.name", tokens: ["id"] },
              ],
            },
          },
          triggers: { "credentials-exchange": ["claims"], "post-login": ["login-claims"] },
        },
      },
    }),
  );
}

const LOGIN_CALLBACK = "http://localhost:3000/callback";
const LOGIN_USER = { email: "ada@acme.example", password: "bench-password" };

/** Complete logins over HTTPS with keep-alive, from a worker: rate, share of the client-credentials rate, latency, RSS. */
async function loginRun(tenant: LocalTenant, clientCredentialsPerSec: number) {
  const origin = tenant.url.replace("localhost", "127.0.0.1");
  const run = async (ms: number) => {
    const rss: number[] = [rssMb()];
    const sampler = setInterval(() => rss.push(rssMb()), 250);
    const worker = new Worker(path.join(__dirname, "token-login-load.mjs"), {
      workerData: {
        origin,
        ca: tenant.tls?.caPem,
        concurrency,
        ms,
        clientId: localClientId("bench", "web"),
        redirectUri: LOGIN_CALLBACK,
        audience: "https://orders.bench",
        username: LOGIN_USER.email,
        password: LOGIN_USER.password,
      },
    });
    const out = await new Promise<{
      ok: number;
      errors: number;
      statuses: Record<string, number>;
      latencies: Float64Array;
      elapsed: number;
    }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    clearInterval(sampler);
    rss.push(rssMb());
    return { ...out, latencies: [...out.latencies], rss };
  };
  await run(1000); // warm-up, not counted
  const r = await run(seconds * 1000);
  const perSec = r.ok / r.elapsed;
  const statuses = Object.entries(r.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(" ");
  console.log(
    `${"login (authorize→form→code→token)".padEnd(34)} ${perSec.toFixed(0).padStart(5)} logins/s  ${((perSec / clientCredentialsPerSec) * 100).toFixed(0).padStart(3)}% of the client-credentials rate (HTTPS, keep-alive; target ≥ 50%)  ` +
      `p50 ${quantile(r.latencies, 0.5).toFixed(2)} ms  p99 ${quantile(r.latencies, 0.99).toFixed(2)} ms  errors ${r.errors}  peak RSS ${Math.max(...r.rss).toFixed(0)} MB  [${statuses}]`,
  );
}

/**
 * Soak: HTTPS with keep-alive for `--soak` seconds, assertions with a short lifetime signed just in time by the
 * client (as a fleet of services would), so jtis expire all along: the jti cache and RSS must level off.
 */
async function soak(tenant: LocalTenant, client: { clientId: string; keyPem: string }, ceilingPerSec: number) {
  const t = target("HTTPS, keep-alive (soak)", tenant, true);
  const samples: { s: number; rss: number; jtis: number }[] = [];
  const started = performance.now();
  let lastSample = 0;
  console.log(
    `soak: ${soakSeconds}s over HTTPS with keep-alive, assertions signed just in time by the load worker with a ${soakLifetime} s lifetime (the tenant keeps each jti until exp + 10 s)`,
  );
  const r = await load(t, soakSeconds * 1000, { sign: { ...client, aud: `${t.origin}/`, lifetime: soakLifetime } }, () => {
    const s = (performance.now() - started) / 1000;
    if (s - lastSample >= 5) {
      lastSample = s;
      samples.push({ s: Math.round(s), rss: rssMb(), jtis: tenant.endpoint.replay.size });
    }
  });
  report(t.name, r, ceilingPerSec, await replays(t, r.used));
  console.log("(the worker signs each assertion on the same 2 cores: throughput is not the point of this run, memory is)");
  console.log(`t(s)  RSS MB  jti cache`);
  for (const x of samples) console.log(`${String(x.s).padStart(4)}  ${x.rss.toFixed(0).padStart(6)}  ${String(x.jtis).padStart(9)}`);
  const half = samples.filter((x) => x.s >= soakSeconds / 2);
  if (half.length > 1) {
    const rss = half.map((x) => x.rss);
    console.log(
      `second half: RSS ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB, jti cache ${Math.min(...half.map((x) => x.jtis))}–${Math.max(...half.map((x) => x.jtis))} entries`,
    );
  }
  t.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
