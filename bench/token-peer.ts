/**
 * `bench:token --peer`: our token endpoint side by side with oidc-provider (bench/token-server.ts configures both),
 * each server in a child process of its own, the same load generator (bench/token-load.mjs in a worker thread of
 * this process) and the same client key, over HTTPS with keep-alive on 127.0.0.1. A/B pairs, the order alternating,
 * bounded by a count and a time budget; per pair the tokens/s ratio and each server's CPU per token (its
 * process.cpuUsage(), plus our action host children's CPU time), then medians, ranges, p50/p99 and peak RSS.
 * Before the figures: the correctness cases, sent to both; ours must refuse every one the spec refuses.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { decodeJwt, exportJWK, SignJWT, type JWTPayload } from "jose";
import { ASSERTION_TYPE } from "../src/local-tenant/assertion";
import type { ServerConfig } from "./token-server";

export interface PeerOptions {
  dir: string;
  tlsDir: string;
  clientId: string;
  clientPrivateKeyPem: string;
  clientPublicKeyPem: string;
  claim: { name: string; value: string };
  seconds: number;
  pairs: number;
  budgetSeconds: number;
  concurrency: number;
  /**
   * Load before the pairs, not counted, half of it with each payload mode: until V8 has compiled the hot paths, its
   * compiler threads add to the CPU per token of the first pairs (both servers', not equally).
   */
  warmupSeconds: number;
  /** A directory for --cpu-prof profiles of both servers. */
  profileDir?: string;
  /**
   * "same": every request of a run asks for the same scope, so the tokens of one second have one payload (ours signs
   * it once: src/local-tenant/token-signer.ts); "distinct": each asks for another scope set, so every token is signed.
   */
  payloads: ("same" | "distinct")[];
}

const AUDIENCE = "https://orders.bench";
/** The bench API's scopes, all granted: the load asks for the first, or (distinct payloads) a different set each time. */
export const BENCH_SCOPES = ["orders:read", ...Array.from({ length: 15 }, (_, i) => `orders:s${String(i + 1).padStart(2, "0")}`)];
const SCOPE = BENCH_SCOPES[0]!;

interface Usage {
  cpuMs: number;
  /** The main thread's share of cpuMs (the rest: the crypto thread pool, V8's GC threads). */
  mainCpuMs: number;
  childCpuMs: number;
  maxRssMb: number;
  childMaxRssMb: number;
}

interface Server {
  name: "ours" | "peer";
  proc: ChildProcess;
  origin: string;
  tokenUrl: string;
  /** The assertion audience it accepts (the issuer). */
  aud: string;
  /** Form fields beside the load generator's: the peer names the API with RFC 8707 `resource`. */
  params: Record<string, string>;
  usage: () => Promise<Usage>;
}

async function startServer(name: "ours" | "peer", configFile: string, profileDir?: string): Promise<Server> {
  const proc = fork(path.join(__dirname, "token-server.ts"), [name, configFile], {
    execArgv: ["--import", "tsx", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.join(profileDir, name)}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<{ origin: string; tokenUrl: string; issuer: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: did not start within 60 s`)), 60_000);
    proc.once("exit", (code) => reject(new Error(`${name}: exited with ${code} before it was ready`)));
    proc.on("message", function onReady(m: { type?: string; origin: string; tokenUrl: string; issuer: string }) {
      if (m.type !== "ready") return;
      clearTimeout(timer);
      proc.off("message", onReady);
      resolve(m);
    });
  });
  const usage = () =>
    new Promise<Usage>((resolve) => {
      proc.on("message", function onUsage(m: { type?: string } & Usage) {
        if (m.type !== "usage") return;
        proc.off("message", onUsage);
        resolve(m);
      });
      proc.send({ type: "usage" });
    });
  return {
    name,
    proc,
    origin: ready.origin,
    tokenUrl: ready.tokenUrl,
    aud: ready.issuer,
    params: name === "peer" ? { resource: AUDIENCE, scope: SCOPE } : { scope: SCOPE },
    usage,
  };
}

async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => s.proc.once("exit", resolve));
  s.proc.disconnect(); // the server exits on disconnect, which writes its --cpu-prof profile
  await exited;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const median = (xs: number[]) => quantile(xs, 0.5);

function assertion(key: KeyObject, clientId: string, aud: unknown, claims: JWTPayload = {}, lifetime = 280): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: clientId, sub: clientId, aud: aud as string, iat, exp: iat + lifetime, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .sign(key);
}

/** Signs n assertions for a server, 64 at a time (jose signs on libuv's threads). */
async function presign(n: number, make: () => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) out.push(...(await Promise.all(Array.from({ length: Math.min(64, n - out.length) }, make))));
  return out;
}

function post(s: Server, ca: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: ASSERTION_TYPE,
    audience: AUDIENCE,
    ...s.params,
    ...fields,
  }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      s.tokenUrl,
      {
        method: "POST",
        ca,
        agent: false,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface LoadResult {
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  latencies: number[];
  used: number;
  elapsed: number;
}

function load(s: Server, ca: string, concurrency: number, ms: number, assertions: string[], distinct: boolean): Promise<LoadResult> {
  const worker = new Worker(path.join(__dirname, "token-load.mjs"), {
    workerData: {
      url: s.tokenUrl,
      ca,
      keepAlive: true,
      concurrency,
      ms,
      assertions,
      params: s.params,
      ...(distinct ? { distinctScopes: BENCH_SCOPES } : {}),
    },
  });
  return new Promise<LoadResult>((resolve, reject) => {
    worker.once("message", (out: LoadResult & { latencies: Float64Array }) => {
      void worker.terminate();
      resolve({ ...out, latencies: [...out.latencies] });
    });
    worker.once("error", reject);
  });
}

/** The correctness cases: what each server answers; ours must refuse those marked so. */
async function correctness(servers: Server[], ca: string, key: KeyObject, clientId: string): Promise<boolean> {
  type Case = { name: string; ours: "accept" | "refuse"; make: (s: Server) => Promise<string>; replay?: boolean };
  const cases: Case[] = [
    { name: "a fresh assertion", ours: "accept", make: (s) => assertion(key, clientId, s.aud) },
    { name: "the same assertion again (replay)", ours: "refuse", make: (s) => assertion(key, clientId, s.aud), replay: true },
    { name: "aud an array: [issuer]", ours: "accept", make: (s) => assertion(key, clientId, [s.aud]) },
    {
      name: "aud an array: [issuer, another server]",
      ours: "refuse",
      make: (s) => assertion(key, clientId, [s.aud, "https://other.example/"]),
    },
    { name: "lifetime 1 h (exp - iat = 3600 s)", ours: "refuse", make: (s) => assertion(key, clientId, s.aud, {}, 3600) },
    {
      name: "no iat, exp 1 h away",
      ours: "refuse",
      make: (s) => assertion(key, clientId, s.aud, { iat: undefined }, 3600),
    },
    { name: "sub is not the client id", ours: "refuse", make: (s) => assertion(key, clientId, s.aud, { sub: "someone-else" }) },
    { name: "expired 60 s ago", ours: "refuse", make: (s) => assertion(key, clientId, s.aud, {}, -60) },
    { name: "no jti", ours: "refuse", make: (s) => assertion(key, clientId, s.aud, { jti: undefined }) },
  ];
  console.log(`\ncorrectness cases (status per server; 200 = a token was issued)`);
  console.log(`${"case".padEnd(42)} ${servers.map((s) => s.name.padStart(6)).join(" ")}  ours must`);
  let good = true;
  const tokens: Record<string, JWTPayload> = {};
  for (const c of cases) {
    const statuses: number[] = [];
    for (const s of servers) {
      const a = await c.make(s);
      let r = await post(s, ca, { client_assertion: a });
      if (c.replay) r = await post(s, ca, { client_assertion: a });
      statuses.push(r.status);
      if (c.name === "a fresh assertion") {
        if (typeof r.body.access_token === "string") tokens[s.name] = decodeJwt(r.body.access_token);
        else console.log(`${s.name} refused a fresh assertion: ${JSON.stringify(r.body)}`);
      }
    }
    const oursStatus = statuses[servers.findIndex((s) => s.name === "ours")]!;
    const pass = c.ours === "accept" ? oursStatus === 200 : oursStatus >= 400 && oursStatus < 500;
    if (!pass) good = false;
    console.log(`${c.name.padEnd(42)} ${statuses.map((x) => String(x).padStart(6)).join(" ")}  ${c.ours}${pass ? "" : "  ← FAILS"}`);
  }
  for (const s of servers) {
    const t = tokens[s.name];
    console.log(`${s.name} token claims: ${t ? Object.keys(t).join(", ") : "(no token)"}`);
  }
  return good;
}

type Run = {
  perSec: number;
  cpuPerToken: number;
  mainCpuPerToken: number;
  childCpuPerToken: number;
  latencies: number[];
  ranOut: boolean;
  errors: number;
};
type Pair = Record<"ours" | "peer", Run>;

export async function runPeer(o: PeerOptions): Promise<number> {
  const key = createPrivateKey(o.clientPrivateKeyPem);
  const peerSigning = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const config: ServerConfig = {
    dir: o.dir,
    tlsDir: o.tlsDir,
    clientId: o.clientId,
    clientPublicJwk: { ...(await exportJWK(createPublicKey(o.clientPublicKeyPem))), alg: "RS256", use: "sig" },
    peerSigningJwk: { ...(await exportJWK(peerSigning)), kid: "peer-rs256", alg: "RS256", use: "sig" },
    audience: AUDIENCE,
    scope: BENCH_SCOPES.join(" "),
    claim: o.claim,
  };
  const configFile = path.join(o.dir, "token-servers.json");
  writeFileSync(configFile, JSON.stringify(config));
  // Ours first: it writes the TLS directory the peer serves from.
  const ours = await startServer("ours", configFile, o.profileDir);
  const peer = await startServer("peer", configFile, o.profileDir);
  const ca = readFileSync(path.join(o.tlsDir, "ca.pem"), "utf8");
  const servers = [ours, peer];
  try {
    const correct = (await correctness(servers, ca, key, o.clientId)) && (await sameSecond(servers, ca, key, o.clientId));
    const make = (s: Server) => () => assertion(key, o.clientId, s.aud);
    // Warm-up, not counted: JIT, key caches, the action host's first start.
    const warmupMs = (o.warmupSeconds * 1000) / 2;
    for (const s of servers)
      for (const distinct of [false, true])
        await load(s, ca, o.concurrency, warmupMs, await presign(Math.ceil(warmupMs * 1.5), make(s)), distinct);
    const rate: Record<string, number> = { ours: 1000, peer: 1000 };
    for (const mode of o.payloads) {
      const distinct = mode === "distinct";
      const pairs: Pair[] = [];
      const started = performance.now();
      const budget = o.budgetSeconds / o.payloads.length;
      console.log(
        `\n${distinct ? "distinct payloads: each request asks for another scope set, so every token is signed" : "same payload: every request asks for one scope, so the tokens of one second are byte-identical (ours signs each once)"}`,
      );
      console.log(
        `${o.seconds}s per run, up to ${o.pairs} pairs or ${budget.toFixed(0)}s, order alternating; ${o.concurrency} concurrent requests; CPU ms per token = the server process's + its children's (our action host)`,
      );
      console.log(`pair  order      ours tok/s  peer tok/s  ratio   ours CPU ms/tok (host)   peer CPU ms/tok`);
      for (let i = 0; i < o.pairs && (performance.now() - started) / 1000 < budget; i++) {
        const order = i % 2 === 0 ? [ours, peer] : [peer, ours];
        const pair = {} as Pair;
        for (const s of order) {
          const assertions = await presign(Math.ceil(Math.max(500, rate[s.name]! * o.seconds * 1.5)), make(s));
          const before = await s.usage();
          const r = await load(s, ca, o.concurrency, o.seconds * 1000, assertions, distinct);
          const after = await s.usage();
          const perSec = r.ok / r.elapsed;
          rate[s.name] = Math.max(rate[s.name]!, perSec);
          pair[s.name] = {
            perSec,
            cpuPerToken: (after.cpuMs - before.cpuMs + after.childCpuMs - before.childCpuMs) / Math.max(1, r.ok),
            mainCpuPerToken: (after.mainCpuMs - before.mainCpuMs) / Math.max(1, r.ok),
            childCpuPerToken: (after.childCpuMs - before.childCpuMs) / Math.max(1, r.ok),
            latencies: r.latencies,
            ranOut: r.used >= assertions.length,
            errors: r.errors,
          };
        }
        pairs.push(pair);
        printPair(i, order, pair);
      }
      await summary(pairs, servers, (performance.now() - started) / 1000);
    }
    if (!correct) console.log("ours accepted a case it must refuse, or answered the same payload differently (above)");
    return correct ? 0 : 1;
  } finally {
    await Promise.all(servers.map(stopServer));
  }
}

/**
 * Two fresh assertions, one request each, in one second: ours must answer with the same token (RS256, no jti: the
 * same payload gives the same bytes, whether signed twice or once); the peer's tokens differ (each has a jti).
 */
async function sameSecond(servers: Server[], ca: string, key: KeyObject, clientId: string): Promise<boolean> {
  let good = true;
  for (const s of servers) {
    let verdict = "";
    for (let attempt = 0; attempt < 3 && !verdict; attempt++) {
      const [a, b] = [await assertion(key, clientId, s.aud), await assertion(key, clientId, s.aud)];
      const [ra, rb] = [await post(s, ca, { client_assertion: a }), await post(s, ca, { client_assertion: b })];
      const [ta, tb] = [String(ra.body.access_token), String(rb.body.access_token)];
      if (ra.status !== 200 || rb.status !== 200) verdict = `refused (${ra.status}, ${rb.status})`;
      else if (decodeJwt(ta).iat === decodeJwt(tb).iat) verdict = ta === tb ? "the same token" : "different tokens";
    }
    if (s.name === "ours" && verdict !== "the same token") good = false;
    console.log(`${"two requests, one payload, one second".padEnd(42)} ${s.name}: ${verdict || "(no two in one second)"}`);
  }
  return good;
}

function printPair(i: number, order: Server[], pair: Pair) {
  const note = [
    pair.ours.ranOut || pair.peer.ranOut ? "assertions ran out" : "",
    pair.ours.errors + pair.peer.errors > 0 ? `errors ${pair.ours.errors}/${pair.peer.errors}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  const names = order.map((s) => s.name).join("→");
  console.log(
    `${String(i + 1).padStart(4)}  ${names.padEnd(9)}  ${pair.ours.perSec.toFixed(0).padStart(10)}  ${pair.peer.perSec.toFixed(0).padStart(10)}  ` +
      `${(pair.ours.perSec / pair.peer.perSec).toFixed(2).padStart(5)}   ${pair.ours.cpuPerToken.toFixed(3).padStart(8)} (${pair.ours.childCpuPerToken.toFixed(3)})` +
      `         ${pair.peer.cpuPerToken.toFixed(3).padStart(8)}${note ? `  ${note}` : ""}`,
  );
}

async function summary(pairs: Pair[], servers: Server[], seconds: number) {
  const ratios = pairs.map((p) => p.ours.perSec / p.peer.perSec);
  const cpuRatios = pairs.map((p) => p.ours.cpuPerToken / p.peer.cpuPerToken);
  const range = (xs: number[], digits = 2) =>
    `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
  const usages = await Promise.all(servers.map((s) => s.usage()));
  console.log(`${pairs.length} pairs in ${seconds.toFixed(0)} s; median (min–max) over pairs:`);
  console.log(`tokens/s ratio ours/peer ${range(ratios)} (target ≥ 1.5)`);
  console.log(`CPU per token ratio ours/peer ${range(cpuRatios)} (target ≤ 1)`);
  for (const [n, s] of servers.entries()) {
    const runs = pairs.map((p) => p[s.name]);
    const lat = runs.flatMap((r) => r.latencies);
    const u = usages[n]!;
    console.log(
      `${s.name.padEnd(5)} tokens/s ${range(
        runs.map((r) => r.perSec),
        0,
      )}  CPU ms/token ${range(
        runs.map((r) => r.cpuPerToken),
        3,
      )}  ` +
        `p50 ${quantile(lat, 0.5).toFixed(2)} ms  p99 ${quantile(lat, 0.99).toFixed(2)} ms  peak RSS ${u.maxRssMb.toFixed(0)} MB` +
        (s.name === "ours" ? ` (+ action host ${u.childMaxRssMb.toFixed(0)} MB)` : ""),
    );
    const part = (f: (r: Run) => number) => median(runs.map(f)).toFixed(3);
    console.log(
      `${"".padEnd(5)} CPU ms/token by where, medians: main thread ${part((r) => r.mainCpuPerToken)}, ` +
        `other threads (crypto pool, GC) ${part((r) => r.cpuPerToken - r.mainCpuPerToken - r.childCpuPerToken)}` +
        (s.name === "ours" ? `, action host ${part((r) => r.childCpuPerToken)}` : ""),
    );
  }
}
