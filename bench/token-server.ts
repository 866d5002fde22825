/**
 * One token server of `bench:token --peer`, in a process of its own so that process.cpuUsage() is its CPU alone:
 * `ours` (the local tenant, whose action host children are counted as well) or `peer` (oidc-provider configured
 * like ours: client_credentials, private_key_jwt with the same client key, a claims hook, RS256 JWT access tokens,
 * HTTPS on 127.0.0.1 with the local tenant's certificate). Started by bench/token-peer.ts with an IPC channel:
 *
 *   argv: <ours|peer> <config JSON file>
 *   → { type: "ready", origin, tokenUrl, issuer }
 *   ← { type: "usage" } → { type: "usage", cpuMs, mainCpuMs, childCpuMs, maxRssMb, childMaxRssMb }
 *     (mainCpuMs: the main thread's share of cpuMs, the rest being the crypto thread pool and V8's GC threads;
 *     children: the action host)
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { startLocalTenant } from "../src/local-tenant";
import { actionHost } from "../src/actions/sandbox";

export interface ServerConfig {
  /** The bench project (Pulumi.yaml, Pulumi.bench.yaml, keys/, actions/). */
  dir: string;
  /** The local tenant's TLS directory: ours generates it, the peer serves the same certificate. */
  tlsDir: string;
  clientId: string;
  clientPublicJwk: Record<string, unknown>;
  /** The peer's token signing key (RSA 2048, as ours). */
  peerSigningJwk: Record<string, unknown>;
  audience: string;
  /** The API's scopes, space-separated: all granted to the client. */
  scope: string;
  /** The custom claim both hooks add: ours through the bound action, from the application's metadata. */
  claim: { name: string; value: string };
}

const [kind, configFile] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile!, "utf8")) as ServerConfig;

/** CPU ms (user + system, 10 ms ticks) of a /proc stat file: a process's or one thread's. */
function statCpuMs(file: string): number {
  const stat = readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU ms and peak RSS of a child process (the action host), from /proc. */
function procUsage(pid: number | undefined): { cpuMs: number; maxRssMb: number } {
  if (pid === undefined) return { cpuMs: 0, maxRssMb: 0 };
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuMs: statCpuMs(`/proc/${pid}/stat`), maxRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return { cpuMs: 0, maxRssMb: 0 };
  }
}

async function ours() {
  const tenant = await startLocalTenant({ dir: config.dir, stack: "bench", port: 0, tlsDir: config.tlsDir });
  const origin = tenant.url.replace("localhost", "127.0.0.1");
  return { origin, tokenUrl: `${origin}/oauth/token`, issuer: `${origin}/`, children: () => [procUsage(actionHost(false).pid)] };
}

/** A variable, so the type-check does not look for oidc-provider's types (it ships none; it is a benchmark peer only). */
const PEER_MODULE = "oidc-provider";

async function peer() {
  const { default: Provider } = (await import(PEER_MODULE)) as unknown as {
    default: new (issuer: string, config: Record<string, unknown>) => { callback: () => (req: unknown, res: unknown) => void };
  };
  const tls = { key: readFileSync(`${config.tlsDir}/server-key.pem`, "utf8"), cert: readFileSync(`${config.tlsDir}/server.pem`, "utf8") };
  const server = createServer({ ...tls, keepAliveTimeout: 5_000 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(origin, {
    clients: [
      {
        client_id: config.clientId,
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "RS256",
        jwks: { keys: [config.clientPublicJwk] },
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
        scope: config.scope,
      },
    ],
    jwks: { keys: [config.peerSigningJwk] },
    scopes: config.scope.split(" "),
    ttl: { ClientCredentials: 86_400 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: config.scope,
          audience: config.audience,
          accessTokenTTL: 86_400,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    // The claims hook, in process (oidc-provider has no isolation for it): what our bound action adds.
    extraTokenClaims: (ctx: { oidc: { client?: { clientId: string } } }) =>
      ctx.oidc.client?.clientId === config.clientId ? { [config.claim.name]: config.claim.value } : {},
  });
  server.on("request", provider.callback());
  return { origin, tokenUrl: `${origin}/token`, issuer: origin, children: () => [] };
}

/** The main thread's CPU ms (its task is the one whose id is the process id); NaN where /proc is missing. */
function mainThreadCpuMs(): number {
  try {
    return statCpuMs(`/proc/self/task/${process.pid}/stat`);
  } catch {
    return NaN;
  }
}

async function main() {
  const started = kind === "ours" ? await ours() : kind === "peer" ? await peer() : undefined;
  if (!started) throw new Error(`token-server: unknown kind ${kind} (ours or peer)`);
  process.on("message", (message: { type?: string }) => {
    if (message?.type !== "usage") return;
    const cpu = process.cpuUsage();
    const children = started.children();
    process.send!({
      type: "usage",
      cpuMs: (cpu.user + cpu.system) / 1000,
      mainCpuMs: mainThreadCpuMs(),
      childCpuMs: children.reduce((sum, c) => sum + c.cpuMs, 0),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      childMaxRssMb: children.reduce((sum, c) => sum + c.maxRssMb, 0),
    });
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ type: "ready", origin: started.origin, tokenUrl: started.tokenUrl, issuer: started.issuer });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
