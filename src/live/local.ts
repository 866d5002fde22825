import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { TenantReadError } from "../errors";
import { defaultTlsDir } from "../local-tenant/tls";

/**
 * `--local <url>`: the reader talks to `npm run tenant:local` over HTTPS with the official SDK, unmodified. Node reads
 * NODE_EXTRA_CA_CERTS only when a process starts, so a command given --local whose NODE_EXTRA_CA_CERTS does not hold
 * the local CA re-executes itself once with it set to the local CA (the file tenant:local prints; `--ca` names
 * another), exactly as a user's shell would. Only the local tenant is contacted then, so replacing another bundle in
 * NODE_EXTRA_CA_CERTS for that one process loses nothing.
 */

export const REEXEC_MARK = "AUTH0_TENANT_LOCAL_REEXEC";

/** The domain the SDK is given for a local tenant URL (`https://localhost:4010` → `localhost:4010`). */
export function localDomain(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TenantReadError(`--local ${url}: not a URL (e.g. https://localhost:4010, as npm run tenant:local prints)`);
  }
  if (u.protocol !== "https:")
    throw new TenantReadError(
      `--local ${url}: the auth0 SDK speaks HTTPS only; start the local tenant without --http and give its https:// URL`,
    );
  if (!["localhost", "127.0.0.1", "[::1]"].includes(u.hostname))
    throw new TenantReadError(`--local ${url}: the local tenant listens on localhost only (for a real tenant use --domain)`);
  if (u.pathname !== "/" || u.search || u.hash)
    throw new TenantReadError(`--local ${url}: give the origin only (https://localhost:<port>)`);
  return u.host;
}

/**
 * When this process cannot trust the local tenant yet, runs the same command again in a child that can (stdio shared)
 * and returns its exit code; undefined when this process can go on itself.
 */
export async function reexecTrustingLocalCa(ca: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  if (env[REEXEC_MARK]) return undefined;
  const file = path.resolve(ca ?? path.join(defaultTlsDir(env), "ca.pem"));
  // A local tenant started with --tls-dir has its CA elsewhere: the user's own NODE_EXTRA_CA_CERTS is kept (a wrong one
  // meets the reader's "certificate this process does not trust" error).
  if (!existsSync(file) && ca === undefined && env.NODE_EXTRA_CA_CERTS) return undefined;
  if (!existsSync(file))
    throw new TenantReadError(
      `no local CA at ${file}: start \`npm run tenant:local\` once (it creates the CA), or pass --ca <file>, or set NODE_EXTRA_CA_CERTS yourself`,
    );
  if (alreadyTrusted(env.NODE_EXTRA_CA_CERTS, file)) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...env, NODE_EXTRA_CA_CERTS: file, [REEXEC_MARK]: "1" },
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * NODE_EXTRA_CA_CERTS names a file that holds the local CA already (tenant:local's line, or a bundle with it among
 * others): compared certificate by certificate, so line endings and the bundle's layout do not matter.
 */
export function alreadyTrusted(extra: string | undefined, ca: string): boolean {
  if (!extra) return false;
  try {
    const wanted = fingerprints(readFileSync(ca, "utf8"));
    const have = new Set(fingerprints(readFileSync(extra, "utf8")));
    return wanted.length > 0 && wanted.every((f) => have.has(f));
  } catch {
    return false;
  }
}

const fingerprints = (pem: string): string[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (block) => new X509Certificate(block).fingerprint256,
  );
