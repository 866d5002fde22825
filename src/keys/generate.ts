import { exportPKCS8, exportSPKI, generateKeyPair } from "jose";

import type { KeyAlgorithm } from "./limits";

export { KEY_ALGORITHMS, KEY_BITS, type KeyAlgorithm } from "./limits";

export interface GeneratedKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh RSA key pair for a private_key_jwt credential (jose; nothing hand-rolled). */
export async function generateCredentialKeyPair(alg: KeyAlgorithm, bits: number): Promise<GeneratedKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { modulusLength: bits, extractable: true });
  return { publicKeyPem: await exportSPKI(publicKey), privateKeyPem: await exportPKCS8(privateKey) };
}
