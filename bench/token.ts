/**
 * Token endpoint load benchmark: bounded concurrent requests on 127.0.0.1 for a fixed time against the local
 * tenant (one credentials-exchange action bound), beside the ceiling measured in the same run: jose RS256 verify of
 * one assertion + sign of one token per request, on one core. Targets: ≥60% of the ceiling, zero errors, zero
 * replays accepted, memory flat.
 *
 *   npm run bench:token [-- --seconds 5 --concurrency 16]
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Agent, request } from "node:http";
import { jwtVerify, SignJWT } from "jose";
import { stringify } from "yaml";
import { localClientId, startLocalTenant } from "../src/local-tenant";
import { ASSERTION_TYPE } from "../src/local-tenant/assertion";
import { clientAssertion } from "../src/local-tenant/client";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "16" } } });
const seconds = Math.max(1, Math.min(60, Number(values.seconds)));
const concurrency = Math.max(1, Math.min(128, Number(values.concurrency)));
const root = path.resolve(__dirname, "..");
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

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
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
  });
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-token-"));
  try {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    mkdirSync(path.join(dir, "keys"));
    mkdirSync(path.join(dir, "actions/lib"), { recursive: true });
    for (const f of ["actions/client-claims.ts", "actions/lib/mapping.ts", "actions/lib/auth0.ts"])
      writeFileSync(path.join(dir, f), readFileSync(path.join(root, f)));
    writeFileSync(path.join(dir, "keys/svc.pem"), publicKey);
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: auth0-tenant\nruntime: nodejs\n");
    writeFileSync(
      path.join(dir, "Pulumi.bench.yaml"),
      stringify({
        config: {
          "auth0:domain": DOMAIN,
          "auth0-tenant:tenant": {
            apis: { orders: { identifier: "https://orders.bench", scopes: { "orders:read": "r" } } },
            applications: {
              svc: {
                type: "m2m",
                metadata: { tenant_id: "acme" },
                credentials: [{ name: "svc", publicKey: "keys/svc.pem" }],
                grants: { orders: ["orders:read"] },
              },
            },
            actions: {
              claims: {
                trigger: "credentials-exchange",
                source: "actions/client-claims.ts",
                claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
              },
            },
            triggers: { "credentials-exchange": ["claims"] },
          },
        },
      }),
    );
    const tenant = await startLocalTenant({ dir, stack: "bench", port: 0 });
    const clientId = localClientId("bench", "svc");
    const url = `${tenant.url}/oauth/token`;
    const form = (assertion: string) =>
      new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        audience: "https://orders.bench",
      }).toString();

    const ceilingPerSec = await ceiling(2000);
    // Assertions are signed before the timed window (a workload signs its own), so the run measures the server.
    const budget = Math.ceil(ceilingPerSec * seconds * 1.2);
    const assertions: string[] = [];
    for (let i = 0; i < budget; i++)
      assertions.push(
        await clientAssertion({
          clientId,
          privateKeyPem: privateKey,
          alg: "RS256",
          audience: `https://${DOMAIN}/`,
          jti: randomUUID(),
          lifetimeSeconds: 280,
        }),
      );
    const latencies: number[] = [];
    let ok = 0;
    let errors = 0;
    let replaysAccepted = 0;
    const rss: number[] = [rssMb()];
    const stopAt = performance.now() + seconds * 1000;
    const sampler = setInterval(() => rss.push(rssMb()), 500);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < stopAt && next < assertions.length) {
          const body = form(assertions[next++]!);
          const t = performance.now();
          const status = await post(url, body);
          latencies.push(performance.now() - t);
          if (status === 200) ok++;
          else errors++;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    rss.push(rssMb());
    // Replay check: a sample of the assertions used above, sent again, must all be refused.
    for (let i = 0; i < Math.min(next, 200); i++)
      if ((await post(url, form(assertions[Math.floor((i * next) / 200)]!))) === 200) replaysAccepted++;
    if (next >= assertions.length) console.log(`note: the ${assertions.length} pre-signed assertions ran out before ${seconds}s`);
    const perSec = ok / elapsed;
    console.log(
      `node ${process.version}; ${seconds}s, concurrency ${concurrency}, 1 credentials-exchange action bound; client and server in one process on 127.0.0.1`,
    );
    console.log(`ceiling (jose RS256 verify + sign per request, one core): ${ceilingPerSec.toFixed(0)}/s`);
    console.log(`tokens/s ${perSec.toFixed(0)} (${((perSec / ceilingPerSec) * 100).toFixed(0)}% of ceiling; target ≥60%)`);
    console.log(
      `latency p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms; requests ${ok + errors}, errors ${errors}, replays accepted ${replaysAccepted}`,
    );
    console.log(
      `RSS MB start ${rss[0]!.toFixed(0)}, middle ${rss[Math.floor(rss.length / 2)]!.toFixed(0)}, end ${rss.at(-1)!.toFixed(0)}; jti cache entries at end ${tenant.endpoint.replay.size}`,
    );
    agent.destroy();
    await tenant.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
