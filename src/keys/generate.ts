import { exportPKCS8, exportSPKI, generateKeyPair } from "jose";

export const KEY_ALGORITHMS = ["RS256", "RS384", "PS256"] as const;
export const KEY_BITS = [2048, 3072, 4096] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export interface GeneratedKeyPair {
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A fresh RSA key pair for a private_key_jwt credential (jose; nothing hand-rolled). */
export async function generateCredentialKeyPair(alg: KeyAlgorithm, bits: number): Promise<GeneratedKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { modulusLength: bits, extractable: true });
  return { publicKeyPem: await exportSPKI(publicKey), privateKeyPem: await exportPKCS8(privateKey) };
}
