import { generateKeyPairSync } from "node:crypto";
import type { GeneratedKeyPair } from "../../src/keys/generate";

/**
 * RSA key pairs that tests reuse, so that tests which rotate many times do not spend their time generating keys: up to
 * `size` pairs, each generated the first time it is handed out (a 2048-bit pair costs 50–100 ms) and handed out again
 * after reset(), so a file pays only for the most pairs one of its runs takes.
 */
export function keyPool(size: number): { next: () => Promise<GeneratedKeyPair>; reset: () => void } {
  const pairs: GeneratedKeyPair[] = [];
  let i = 0;
  return {
    next: async () => {
      if (i >= size) throw new Error("key pool exhausted");
      if (i === pairs.length) {
        const { publicKey, privateKey } = generateKeyPairSync("rsa", {
          modulusLength: 2048,
          publicKeyEncoding: { type: "spki", format: "pem" },
          privateKeyEncoding: { type: "pkcs8", format: "pem" },
        });
        pairs.push({ publicKeyPem: publicKey, privateKeyPem: privateKey });
      }
      return pairs[i++]!;
    },
    reset: () => {
      i = 0;
    },
  };
}
