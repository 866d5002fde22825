import { generateKeyPair } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { processIo, progress } from "../cli/io";

const root = path.resolve(__dirname, "..");

/**
 * RSA public keys for benchmark tenants, one per application (a key shared by two apps is a spec error), generated
 * once with progress on stderr and cached in .bench/keys/ for every benchmark.
 */
export async function benchPublicKeys(count: number): Promise<string[]> {
  const dir = path.join(root, ".bench", "keys");
  mkdirSync(dir, { recursive: true });
  const gen = promisify(generateKeyPair);
  const missing = [...Array(count).keys()].filter((i) => !existsSync(path.join(dir, `k${i}.pem`)));
  const shown = progress(processIo([]), `generating RSA keys for the benchmark tenants (cached in ${path.relative(root, dir)})`);
  for (let i = 0; i < missing.length; i += 8) {
    shown.update(`${i}/${missing.length}`);
    await Promise.all(
      missing.slice(i, i + 8).map(async (n) => {
        const { publicKey } = await gen("rsa", {
          modulusLength: 2048,
          publicKeyEncoding: { type: "spki", format: "pem" },
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
        });
        writeFileSync(path.join(dir, `k${n}.pem`), publicKey);
      }),
    );
  }
  shown.done(missing.length ? `${missing.length} generated` : undefined);
  return [...Array(count).keys()].map((i) => readFileSync(path.join(dir, `k${i}.pem`), "utf8"));
}
