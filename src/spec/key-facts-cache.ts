import { hash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

/**
 * What inspecting a public key found (format, size, RFC 7638 thumbprint, a certificate's end), kept by the SHA-256 of
 * the file's text. Parsing a key is the most expensive step of a plan (docs/benchmarks.md), so a tenant of 10,000
 * applications reuses what earlier runs found: in the process (a review plans two revisions with mostly the same
 * keys) and on disk between runs. Only successful inspections are kept; the key material itself is always the file's.
 * The disk copy lives in the user's cache directory ($AUTH0_TENANT_CACHE_DIR, else $XDG_CACHE_HOME/auth0-tenant, else
 * ~/.cache/auth0-tenant); AUTH0_TENANT_CACHE_DIR=off keeps it in memory only.
 */

export interface KeyFacts {
  format: "spki" | "pkcs1" | "x509";
  bits: number;
  thumbprint: string;
  /** A certificate's end of validity, ISO 8601. */
  notAfter?: string;
}

const VERSION = 1;
const MAX_ENTRIES = 200_000;
const memory = new Map<string, KeyFacts>();
let loaded = false;
let dirty = false;

export const contentHash = (text: string) => hash("sha256", text, "base64url");

function cacheFile(): string | undefined {
  const configured = process.env.AUTH0_TENANT_CACHE_DIR;
  if (configured === "off") return undefined;
  const dir = configured ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "auth0-tenant");
  return path.join(dir, `public-keys.v${VERSION}.json`);
}

function load(): void {
  if (loaded) return;
  loaded = true;
  const file = cacheFile();
  if (!file) return;
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as { version?: number; entries?: Record<string, KeyFacts> };
    if (data.version !== VERSION || typeof data.entries !== "object" || data.entries === null) return;
    // Checked when used (cachedFacts): a cache of many tenants' keys is mostly entries this run never asks for.
    for (const [hash, facts] of Object.entries(data.entries)) memory.set(hash, facts);
  } catch {
    // no cache yet, or an unreadable one: start empty
  }
}

const valid = (f: KeyFacts) =>
  typeof f === "object" &&
  f !== null &&
  (f.format === "spki" || f.format === "pkcs1" || f.format === "x509") &&
  Number.isInteger(f.bits) &&
  typeof f.thumbprint === "string" &&
  /^[A-Za-z0-9_-]{43}$/.test(f.thumbprint) &&
  (f.notAfter === undefined || !Number.isNaN(Date.parse(f.notAfter)));

/** Whether any key's facts are known (kept on disk by an earlier run, or learnt earlier in this process). */
export function keyFactsKnown(): boolean {
  load();
  return memory.size > 0;
}

export function cachedFacts(hash: string): KeyFacts | undefined {
  load();
  const facts = memory.get(hash);
  if (facts === undefined || valid(facts)) return facts;
  memory.delete(hash);
  return undefined;
}

export function rememberFacts(hash: string, facts: KeyFacts): void {
  load();
  if (memory.size >= MAX_ENTRIES) memory.clear();
  memory.set(hash, facts);
  dirty = true;
}

/** Writes what was learnt to disk (atomically: a crash never leaves a half-written cache). */
export function flushKeyFacts(): void {
  const file = cacheFile();
  if (!dirty || !file) return;
  dirty = false;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: VERSION, entries: Object.fromEntries(memory) }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}
