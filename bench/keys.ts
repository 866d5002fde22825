import { createPublicKey, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { processIo, progress } from "../cli/io";

const root = path.resolve(__dirname, "..");

/**
 * RSA public keys of 2048 bits for benchmark tenants, one per application (a key shared by two apps is a spec error),
 * cached in .bench/keys/ for every benchmark. Only public halves are needed (the benchmarks inspect and upload keys,
 * they never sign with them), so each is a random odd 2048-bit modulus with e = 65537, made in microseconds instead of
 * a key-pair generation each: OpenSSL parses and checks it exactly as it does a generated key's public half.
 */
export async function benchPublicKeys(count: number): Promise<string[]> {
  const dir = path.join(root, ".bench", "keys");
  mkdirSync(dir, { recursive: true });
  const missing = [...Array(count).keys()].filter((i) => !existsSync(path.join(dir, `k${i}.pem`)));
  const shown = progress(processIo([]), `writing RSA public keys for the benchmark tenants (cached in ${path.relative(root, dir)})`);
  for (const n of missing) writeFileSync(path.join(dir, `k${n}.pem`), randomPublicKeyPem());
  shown.done(missing.length ? `${missing.length} written` : undefined);
  return [...Array(count).keys()].map((i) => readFileSync(path.join(dir, `k${i}.pem`), "utf8"));
}

function randomPublicKeyPem(): string {
  const n = randomBytes(256);
  n[0] = n[0]! | 0x80;
  n[255] = n[255]! | 1;
  return createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: "AQAB" }, format: "jwk" }).export({
    type: "spki",
    format: "pem",
  }) as string;
}
