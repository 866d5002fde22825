import { generateKeyPairSync } from "node:crypto";
import type { GeneratedKeyPair } from "../../src/keys/generate";

/** Pre-generated RSA key pairs, so tests that rotate many times do not spend their time generating keys. */
export function keyPool(size: number): { next: () => Promise<GeneratedKeyPair>; reset: () => void } {
  const pairs: GeneratedKeyPair[] = Array.from({ length: size }, () => {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return { publicKeyPem: publicKey, privateKeyPem: privateKey };
  });
  let i = 0;
  return {
    next: async () => {
      if (i >= pairs.length) throw new Error("key pool exhausted");
      return pairs[i++]!;
    },
    reset: () => {
      i = 0;
    },
  };
}
