import { generateKeyPair, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";

/** A 2048-bit RSA key pair as PEM: SPKI public key, PKCS#8 private key. */
export interface PemKeyPair {
  publicKey: string;
  privateKey: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    rsaKeyPairs: PemKeyPair[];
  }
}

/** How many pairs the run shares: more than any one file takes (test/rotation/keys-cli.test.ts takes the most). */
export const SHARED_PAIRS = 24;
const GENERATE = {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
} as const;

/**
 * For globalSetup: the run's shared pairs, read from `cacheFile` or generated once (together, on the thread pool)
 * and kept there: generating RSA pairs was a visible share of the suite's CPU time when each file made its own.
 */
export async function loadOrGenerateKeyPairs(cacheFile: string): Promise<PemKeyPair[]> {
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, "utf8")) as PemKeyPair[];
    if (Array.isArray(cached) && cached.length === SHARED_PAIRS) return cached;
  }
  const pairs = await Promise.all(Array.from({ length: SHARED_PAIRS }, () => promisify(generateKeyPair)("rsa", GENERATE)));
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(pairs), { mode: 0o600 });
  renameSync(tmp, cacheFile);
  return pairs;
}

const shared = (): PemKeyPair[] => {
  try {
    return inject("rsaKeyPairs") ?? [];
  } catch {
    return []; // outside a run with the global setup
  }
};

const generated = new Map<number, PemKeyPair>();

/**
 * The run's key pair in `slot`: the same in every file of the run. Slots 0 and 1 are the live tests' reader and other
 * key (test/live/support.ts); a file's own keys come from keyDealer(). Past the shared pairs, a pair is generated.
 */
export function sharedKeyPair(slot: number): PemKeyPair {
  const pair = shared()[slot];
  if (pair) return pair;
  if (!generated.has(slot)) generated.set(slot, generateKeyPairSync("rsa", GENERATE));
  return generated.get(slot)!;
}

/** The first slot a file deals its own keys from (0 and 1 are test/live/support.ts's). */
export const FIRST_DEALT_SLOT = 2;

/** Distinct key pairs for one file, one per call, none of them the live reader's or the other live key. */
export function keyDealer(): () => PemKeyPair {
  let slot = FIRST_DEALT_SLOT;
  return () => sharedKeyPair(slot++);
}
