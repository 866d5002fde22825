import { readFile } from "node:fs/promises";
import { InputFileError, UsageError } from "../../errors";
import { localClientId } from "../clients";
import type { LocalTenant } from "..";
import { ALL_MANAGEMENT_SCOPES, isManagementScope, READ_SCOPES, type RateLimitOptions } from "@auth0-tenant/management-api-emulator";
import type { ManagementClientOption } from "./seed";

/** The client id `tenant:local --management-key` registers when none is given: stable per stack ("@" is never in an app key). */
export const defaultManagementClientId = (stack: string) => localClientId(stack, "@management");

/** `--management-scopes`: "read" (the default: what a tenant reader needs), "all", or a space- or comma-separated list. */
export function parseManagementScopes(value: string | undefined): string[] {
  if (value === undefined || value === "read") return [...READ_SCOPES];
  if (value === "all") return [...ALL_MANAGEMENT_SCOPES];
  const scopes = value.split(/[\s,]+/).filter((s) => s !== "");
  const unknown = scopes.filter((s) => !isManagementScope(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw new UsageError(
      `--management-scopes ${JSON.stringify(value)}: ${unknown.length ? `not served locally: ${unknown.join(", ")}` : "no scope"} (use read, all, or some of: ${ALL_MANAGEMENT_SCOPES.join(" ")})`,
    );
  }
  return scopes;
}

/**
 * `--rate-limit <n>[/<seconds>]`: Auth0's Management API rate limit, ENFORCED: past n requests per window (1 second
 * by default) the API answers 429 with retry-after and x-ratelimit-*, so a client's backoff can be tested.
 */
export function parseRateLimit(value: string): RateLimitOptions {
  const m = /^(\d+)(?:\/(\d+))?$/.exec(value.trim());
  const limit = m ? Number(m[1]) : NaN;
  const windowSeconds = m?.[2] !== undefined ? Number(m[2]) : 1;
  if (!m || limit < 1 || limit > 100_000 || windowSeconds < 1 || windowSeconds > 3600) {
    throw new UsageError(
      `--rate-limit ${JSON.stringify(value)}: give requests per second (e.g. 2), or requests per window in seconds (e.g. 50/60); 1 to 100000 requests, a window of 1 to 3600 s`,
    );
  }
  return { limit, windowSeconds, enforce: true };
}

/** The management client of `tenant:local --management-key <public.pem> [--management-client-id] [--management-scopes]`. */
export async function managementClientFromFlags(flags: {
  stack: string;
  keyFile: string;
  clientId?: string;
  scopes?: string;
}): Promise<ManagementClientOption> {
  let pem: string;
  try {
    pem = await readFile(flags.keyFile, "utf8");
  } catch (e) {
    throw new InputFileError(`--management-key ${flags.keyFile}: ${(e as Error).message}`);
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UsageError(
      `--management-key ${flags.keyFile} holds a PRIVATE key: give the public half (openssl pkey -in key.pem -pubout); the private key stays with the client`,
    );
  }
  return {
    clientId: flags.clientId ?? defaultManagementClientId(flags.stack),
    publicKeyPem: pem,
    scopes: parseManagementScopes(flags.scopes),
  };
}

/** What `tenant:local` prints about the Management API. */
export function describeManagementApi(tenant: LocalTenant): string {
  const { url, management } = tenant;
  const domain = new URL(url).host;
  // From the start options, not the store: reading the store would build every record of a big tenant before it serves.
  const clients = management.managementClients;
  const lines = [`Management API  ${url}/api/v2/ (audience ${url}/api/v2/ or ${management.audience}), seeded from the plan as if deployed`];
  const limit = management.rateLimit;
  if (limit.enforce) lines.push(`  rate limit enforced: at most ${limit.limit} per ${limit.windowSeconds} s, then 429 with retry-after`);
  if (clients.length === 0) {
    lines.push("  no management client: start with --management-key <public.pem> to register one");
  } else {
    for (const c of clients) lines.push(`  management client ${c.clientId}: ${c.scopes.join(" ")}`);
    lines.push(
      `  auth0 SDK: new ManagementClient({ domain: "${domain}", clientId: "${clients[0]!.clientId}", clientAssertionSigningKey: <its PKCS#8 private key> })`,
    );
  }
  return lines.join("\n");
}
