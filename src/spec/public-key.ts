import { createPublicKey, KeyObject, X509Certificate } from "node:crypto";
import { PublicKeyError } from "../errors";
import { cachedFacts, contentHash, rememberFacts } from "./key-facts-cache";

/** What we know about one uploaded credential's key; Auth0 never returns key material, so this is our record. */
export interface PublicKeyInfo {
  /** The PEM as it will be uploaded. */
  pem: string;
  format: "spki" | "pkcs1" | "x509";
  bits: number;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url): the key's stable fingerprint. */
  thumbprint: string;
  /** For certificates: the end of the validity period. */
  certificateNotAfter?: Date;
}

export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 4096;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

let jose: Promise<typeof import("jose")> | undefined;

/**
 * Parses a public key file as Auth0 accepts it: SPKI ("PUBLIC KEY"), PKCS#1 ("RSA PUBLIC KEY") or an X.509
 * certificate, RSA of 2048 to 4096 bits. Throws PublicKeyError with a message meant for the user.
 */
export async function inspectPublicKey(text: string): Promise<PublicKeyInfo> {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new PublicKeyError(
      "this file holds a PRIVATE key; only the public half belongs in keys/ (extract it with `openssl pkey -in key.pem -pubout`, keep the private key outside the repository, and consider it exposed if it was ever committed)",
    );
  }
  if (blocks.length === 0) {
    throw new PublicKeyError(
      "not a PEM file, or a truncated one (expected one -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or -----BEGIN CERTIFICATE----- block with its END line)",
    );
  }
  if (blocks.length > 1) {
    throw new PublicKeyError(`holds ${blocks.length} PEM blocks (allowed: exactly one public key or certificate)`);
  }
  const pem = blocks[0]![0];
  const label = blocks[0]![1];
  const hash = contentHash(pem);
  const known = cachedFacts(hash);
  if (known) {
    return {
      pem: pem + "\n",
      format: known.format,
      bits: known.bits,
      thumbprint: known.thumbprint,
      ...(known.notAfter ? { certificateNotAfter: new Date(known.notAfter) } : {}),
    };
  }
  let key: KeyObject;
  let format: PublicKeyInfo["format"];
  let certificateNotAfter: Date | undefined;
  try {
    if (label === "CERTIFICATE") {
      const cert = new X509Certificate(pem);
      key = cert.publicKey;
      format = "x509";
      certificateNotAfter = new Date(cert.validTo);
    } else if (label === "PUBLIC KEY" || label === "RSA PUBLIC KEY") {
      key = createPublicKey({ key: pem, format: "pem" });
      format = label === "PUBLIC KEY" ? "spki" : "pkcs1";
    } else {
      throw new PublicKeyError(`unsupported PEM block "${label}" (allowed: PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE)`);
    }
  } catch (e) {
    if (e instanceof PublicKeyError) throw e;
    throw new PublicKeyError(`the ${label} block does not parse (${(e as Error).message}); is the file truncated or corrupted?`);
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new PublicKeyError(
      `is a ${key.asymmetricKeyType?.toUpperCase() ?? "non-RSA"} key (allowed: RSA keys of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits)`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    throw new PublicKeyError(`is an RSA key of ${bits} bits (allowed: ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits)`);
  }
  // jose is loaded only when a key is not in the facts cache: a re-plan of a known tenant never needs it. Once: an
  // import() per key costs ~9 µs, 90 ms of a 10,000-key tenant's first plan.
  const { calculateJwkThumbprint, exportJWK } = await (jose ??= import("jose"));
  const thumbprint = await calculateJwkThumbprint(await exportJWK(key), "sha256");
  rememberFacts(hash, { format, bits, thumbprint, ...(certificateNotAfter ? { notAfter: certificateNotAfter.toISOString() } : {}) });
  return { pem: pem + "\n", format, bits, thumbprint, ...(certificateNotAfter ? { certificateNotAfter } : {}) };
}
