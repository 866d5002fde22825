/**
 * `bench:token -- --parts`: where one token's CPU goes, piece by piece, in this process (no HTTP): the client
 * assertion's checks and RSA verify, the access token's RS256 signature (every payload distinct, so each is signed),
 * the bound credentials-exchange action's round trip through the action host (this process and the host's child),
 * the replay cache, and the whole `TokenEndpoint.token()`. CPU is `process.cpuUsage()` (every thread: the crypto pool
 * included), of it the main thread's, and the child's, both from /proc; each piece runs `rounds` times, the median
 * printed.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { actionHost } from "../src/actions/sandbox";
import type { LocalTenant } from "../src/local-tenant";
import { ASSERTION_TYPE, verifyClientAssertion } from "../src/local-tenant/assertion";
import { clientAssertion } from "../src/local-tenant/client";
import { JtiCache } from "../src/local-tenant/replay";
import { SigningKeys } from "../src/local-tenant/signing-keys";
import { actionsHook } from "../src/local-tenant/token-endpoint";
import { TokenSigner } from "../src/local-tenant/token-signer";
import { BENCH_SCOPES } from "./token-peer";

const CONCURRENCY = 16;

/** CPU ms (10 ms ticks) of a /proc stat file: a process's or one thread's; 0 where there is none. */
function statCpuMs(file: string): number {
  try {
    const stat = readFileSync(file, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The action host child's CPU ms; 0 where there is none. */
function hostCpuMs(): number {
  const pid = actionHost(false).pid;
  return pid === undefined ? 0 : statCpuMs(`/proc/${pid}/stat`);
}

/** This process's main thread's CPU ms (its task id is the process id). */
const mainCpuMs = () => statCpuMs(`/proc/self/task/${process.pid}/stat`);

/** Runs `work(i)` n times, CONCURRENCY at a time; CPU µs per call: this process, its main thread, the action host's child. */
async function cpuPerCall(n: number, work: (i: number) => unknown): Promise<{ self: number; main: number; host: number }> {
  const cpu0 = process.cpuUsage();
  const main0 = mainCpuMs();
  const host0 = hostCpuMs();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  return { self: (cpu.user + cpu.system) / n, main: ((mainCpuMs() - main0) * 1000) / n, host: ((hostCpuMs() - host0) * 1000) / n };
}

export async function runParts(tenant: LocalTenant, client: { clientId: string; keyPem: string }, n: number, rounds: number) {
  const issuer = tenant.issuer;
  const assertions = async () => {
    const out: string[] = [];
    while (out.length < n)
      out.push(
        ...(await Promise.all(
          Array.from({ length: 64 }, () =>
            clientAssertion({
              clientId: client.clientId,
              privateKeyPem: client.keyPem,
              alg: "RS256",
              audience: issuer,
              lifetimeSeconds: 280,
            }),
          ),
        )),
      );
    return out;
  };
  const scopeSet = (i: number) => BENCH_SCOPES.filter((_, b) => ((i % 65535) + 1) & (1 << b)).join(" ");
  const endpoint = tenant.endpoint;
  const svc = endpoint.clients.get(client.clientId)!;
  const api = Object.values(tenant.plan.spec.apis)[0]!;
  // A key like the tenant's (RSA 2048), signing outside the endpoint.
  const signingKey = (await SigningKeys.generate(["RS256"])).forAlg("RS256");
  const pieces: [string, () => Promise<(i: number) => unknown>][] = [
    [
      "assertion checks + RSA verify (jose)",
      async () => {
        const as = await assertions();
        const replay = new JtiCache();
        return (i) => verifyClientAssertion(as[i]!, { clients: endpoint.clients, audiences: [issuer], now: new Date(), replay });
      },
    ],
    [
      "RS256 signature of the token (jose)",
      async () => {
        const signer = new TokenSigner(0);
        const iat = Math.floor(Date.now() / 1000);
        return (i) => signer.sign(signingKey, { iss: issuer, aud: api.identifier, scope: scopeSet(i), iat, exp: iat + 86400 });
      },
    ],
    [
      "credentials-exchange action (host round trip)",
      async () => {
        const hook = actionsHook(tenant.plan);
        return (i) => hook({ client: svc, api, scopes: scopeSet(i).split(" ") });
      },
    ],
    [
      "replay cache (one jti)",
      async () => {
        const replay = new JtiCache();
        const exp = Math.floor(Date.now() / 1000) + 300;
        const jtis = Array.from({ length: n }, () => randomUUID());
        return (i) => replay.use(client.clientId, jtis[i]!, exp, Date.now());
      },
    ],
    [
      "TokenEndpoint.token(), all of it",
      async () => {
        const as = await assertions();
        return (i) =>
          endpoint.token(
            {
              grant_type: "client_credentials",
              client_assertion_type: ASSERTION_TYPE,
              client_assertion: as[i]!,
              audience: api.identifier,
              scope: scopeSet(i),
            },
            { issuer },
          );
      },
    ],
  ];
  console.log(`\nCPU per token by piece, in process (no HTTP), ${n} calls ${CONCURRENCY} at a time, median of ${rounds} rounds:`);
  console.log(`${"piece".padEnd(48)} ${"this process µs".padStart(15)} ${"main thread µs".padStart(15)} ${"action host µs".padStart(15)}`);
  for (const [name, prepare] of pieces) {
    const runs: { self: number; main: number; host: number }[] = [];
    for (let r = 0; r < rounds; r++) runs.push(await cpuPerCall(n, await prepare()));
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `${name.padEnd(48)} ${med(runs.map((x) => x.self))
        .toFixed(0)
        .padStart(15)} ${med(runs.map((x) => x.main))
        .toFixed(0)
        .padStart(15)} ${med(runs.map((x) => x.host))
        .toFixed(0)
        .padStart(15)}`,
    );
  }
}
