import type { GeneratedKeyPair } from "../../src/keys/generate";
import { sharedKeyPair, FIRST_DEALT_SLOT } from "./rsa-key-pairs";

/**
 * RSA key pairs that tests reuse, so that tests which rotate many times do not spend their time generating keys: up to
 * `size` distinct pairs, the run's shared ones (test/support/rsa-key-pairs.ts), handed out again after reset().
 */
export function keyPool(size: number): { next: () => Promise<GeneratedKeyPair>; reset: () => void } {
  let i = 0;
  return {
    next: async () => {
      if (i >= size) throw new Error("key pool exhausted");
      const { publicKey, privateKey } = sharedKeyPair(FIRST_DEALT_SLOT + i++);
      return { publicKeyPem: publicKey, privateKeyPem: privateKey };
    },
    reset: () => {
      i = 0;
    },
  };
}
