import { createPublicKey, randomBytes, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * An RSA public key whose modulus has exactly `bits` bits, without generating a key pair (instant at any size, where
 * generating a 4608-bit pair takes seconds). It verifies nothing, which inspecting a key's format and size does not need.
 */
export function rsaPublicKeyOfBits(bits: number, type: "spki" | "pkcs1" = "spki"): string {
  const n = randomBytes(Math.ceil(bits / 8));
  const unused = n.length * 8 - bits;
  n[0] = (n[0]! & (0xff >> unused)) | (0x80 >> unused);
  n[n.length - 1] = n[n.length - 1]! | 1;
  const key = createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: "AQAB" }, format: "jwk" });
  return key.export({ type, format: "pem" }) as string;
}

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/**
 * A 2048-bit RSA private key (PKCS#8 PEM) that needs no generation: the fixture that stands for a private key committed
 * by mistake. Tests sign client assertions and certificates with it.
 */
export const FIXTURE_PRIVATE_KEY_PEM = readFileSync(path.join(__dirname, "../fixtures/invalid/private-key.pem"), "utf8");
/** Its public half, as a PEM SPKI public key. */
export const FIXTURE_PUBLIC_KEY_PEM = createPublicKey(FIXTURE_PRIVATE_KEY_PEM).export({ type: "spki", format: "pem" }) as string;

/** A self-signed X.509 certificate (PEM) for the fixture key pair, valid from `notBefore` to `notAfter`. */
export async function rsaCertificate(validity: { notBefore: Date; notAfter: Date }): Promise<string> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  const keys = {
    privateKey: await webcrypto.subtle.importKey("pkcs8", der(FIXTURE_PRIVATE_KEY_PEM), RSA, true, ["sign"]),
    publicKey: await webcrypto.subtle.importKey("spki", der(FIXTURE_PUBLIC_KEY_PEM), RSA, true, ["verify"]),
  };
  type Keys = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=auth0-tenant test credential",
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    signingAlgorithm: RSA,
    keys: keys as unknown as Keys,
  });
  return cert.toString("pem");
}
