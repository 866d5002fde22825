"use strict";
/*
 * Reads PEM blocks with OpenSSL and reports what each holds: the mechanics of key inspection, without its rules
 * (src/spec/public-key.ts decides what is allowed and words the errors). Plain CommonJS so that the same code runs in
 * the calling thread and on worker threads (src/spec/key-inspector-pool.ts), which need no loader: a first plan of a
 * large tenant inspects thousands of keys and spreads them over the machine's cores.
 *
 * As a worker: receives { id, blocks } messages and answers { id, results }.
 */

const { createPublicKey, X509Certificate } = require("node:crypto");

/** DER of the SPKI AlgorithmIdentifier of an RSA key: rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
const RSA_ENCRYPTION = Buffer.from("300d06092a864886f70d0101010500", "hex");
const SPKI_BEGIN = "-----BEGIN PUBLIC KEY-----";
const SPKI_END = "-----END PUBLIC KEY-----";

/**
 * The key of an SPKI block that is exactly what OpenSSL writes for an RSA key, else undefined (the caller then parses
 * the block the general way). OpenSSL 3 reads an SPKI block through its generic decoder chain, which tries every key
 * type; the RSAPublicKey inside it parses through the RSA decoder alone, 10–40× faster. The key read that way is
 * accepted only when OpenSSL's own SPKI PEM for it is the block, byte for byte, so this path accepts nothing the
 * general one refuses and finds the same key (test/spec/public-key-parse.test.ts).
 */
function canonicalRsaSpki(pem) {
  const der = Buffer.from(pem.slice(SPKI_BEGIN.length, -SPKI_END.length), "base64");
  let at = 0;
  const length = () => {
    const first = der[at++] ?? 0;
    if (first < 0x80) return first;
    let n = 0;
    for (let i = 0; i < (first & 0x7f); i++) n = n * 256 + (der[at++] ?? 0);
    return n;
  };
  if (der[at++] !== 0x30) return undefined;
  length();
  if (!der.subarray(at, at + RSA_ENCRYPTION.length).equals(RSA_ENCRYPTION)) return undefined;
  at += RSA_ENCRYPTION.length;
  if (der[at++] !== 0x03) return undefined;
  length();
  if (der[at++] !== 0x00) return undefined;
  try {
    const key = createPublicKey({ key: der.subarray(at), format: "der", type: "pkcs1" });
    return key.export({ type: "spki", format: "pem" }) === pem + "\n" ? key : undefined;
  } catch {
    return undefined;
  }
}

let jose;
/** The two parts of jose this needs, not the whole library: a worker loads them on its start. */
const loadJose = async () => {
  const [thumbprint, exporter] = await Promise.all([import("jose/jwk/thumbprint"), import("jose/key/export")]);
  return { calculateJwkThumbprint: thumbprint.calculateJwkThumbprint, exportJWK: exporter.exportJWK };
};

/**
 * For each { label, pem } (label: CERTIFICATE, PUBLIC KEY or RSA PUBLIC KEY), either { parseError } with OpenSSL's
 * message, or { keyType, bits, thumbprint, notAfter }: bits and the RFC 7638 thumbprint for RSA keys only, notAfter
 * (ISO 8601) for certificates only. JWK work (the thumbprint) is jose's.
 */
async function inspectBlocks(blocks) {
  const { calculateJwkThumbprint, exportJWK } = await (jose ??= loadJose());
  return Promise.all(
    blocks.map(async ({ label, pem }) => {
      let key;
      let notAfter;
      try {
        if (label === "CERTIFICATE") {
          const cert = new X509Certificate(pem);
          key = cert.publicKey;
          notAfter = new Date(cert.validTo).toISOString();
        } else {
          key = (label === "PUBLIC KEY" && canonicalRsaSpki(pem)) || createPublicKey({ key: pem, format: "pem" });
        }
      } catch (e) {
        return { parseError: e.message };
      }
      const keyType = key.asymmetricKeyType;
      if (keyType !== "rsa") return { keyType, notAfter };
      const thumbprint = await calculateJwkThumbprint(await exportJWK(key), "sha256");
      return { keyType, bits: key.asymmetricKeyDetails.modulusLength, thumbprint, notAfter };
    }),
  );
}

module.exports = { inspectBlocks };

const { parentPort, workerData } = require("node:worker_threads");
if (parentPort && workerData === "auth0-tenant key inspector") {
  parentPort.on("message", ({ id, blocks }) => {
    inspectBlocks(blocks).then(
      (results) => parentPort.postMessage({ id, results }),
      (e) => parentPort.postMessage({ id, error: String(e && e.message) }),
    );
  });
}
