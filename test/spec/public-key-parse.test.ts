import { createPublicKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { describe, expect, it } from "vitest";
import { inspectPublicKey } from "../../src/spec";
import { inspectBlocks, type KeyBlock } from "../../src/spec/key-inspector.cjs";
import { rsaPublicKeyOfBits } from "../support/rsa-keys";

/**
 * inspectPublicKey reads a canonical RSA SPKI block through OpenSSL's RSA decoder and every other block through its
 * generic one; whichever way a block goes, the verdict and the facts must be those of OpenSSL's generic parse
 * (createPublicKey on the PEM). Each variant below is checked against that reference.
 */
async function reference(pem: string) {
  let key;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    return { parses: false as const };
  }
  const type = key.asymmetricKeyType;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const thumbprint = type === "rsa" ? await calculateJwkThumbprint(await exportJWK(key), "sha256") : undefined;
  return { parses: true as const, type, bits, thumbprint };
}

const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
const pemOf = (bytes: Buffer, width = 64) =>
  `-----BEGIN PUBLIC KEY-----\n${bytes
    .toString("base64")
    .replace(new RegExp(`(.{${width}})`, "g"), "$1\n")
    .replace(/\n$/, "")}\n-----END PUBLIC KEY-----\n`;
const withByte = (bytes: Buffer, at: number, value: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = value;
  return copy;
};

const rsa2048 = rsaPublicKeyOfBits(2048);
const bytes2048 = der(rsaPublicKeyOfBits(2048));
const pss = generateKeyPairSync("rsa-pss", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }) as string;
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }) as string;

const variants: [string, string][] = [
  ["canonical 2048-bit", rsa2048],
  ["canonical 2049-bit", rsaPublicKeyOfBits(2049)],
  ["canonical 3072-bit", rsaPublicKeyOfBits(3072)],
  ["canonical 4096-bit", rsaPublicKeyOfBits(4096)],
  ["canonical 1024-bit", rsaPublicKeyOfBits(1024)],
  ["canonical 4608-bit", rsaPublicKeyOfBits(4608)],
  ["lines of 76 characters", pemOf(der(rsaPublicKeyOfBits(2048)), 76)],
  ["CRLF line ends", rsaPublicKeyOfBits(2048).replace(/\n/g, "\r\n")],
  ["a character outside base64 in the body", rsaPublicKeyOfBits(2048).replace(/\n(.{10})/, "\n$1!")],
  ["a byte after the key inside the block", pemOf(Buffer.concat([der(rsaPublicKeyOfBits(2048)), Buffer.from([0])]))],
  ["the RSAPublicKey cut short", pemOf(bytes2048.subarray(0, bytes2048.length - 1))],
  ["outer length one short", pemOf(withByte(bytes2048, 3, bytes2048[3]! - 1))],
  ["BIT STRING with unused bits", pemOf(withByte(bytes2048, 23, 1))],
  ["algorithm parameters not NULL", pemOf(withByte(bytes2048, 17, 0x04))],
  ["RSA-PSS key", pss],
  ["EC P-256 key", ec],
];

describe("public key parse: every SPKI block gets OpenSSL's verdict and facts", () => {
  it.each(variants)("%s", async (_, pem) => {
    const ref = await reference(pem);
    const ours = inspectPublicKey(pem);
    if (!ref.parses) return void (await expect(ours).rejects.toThrow("block does not parse"));
    if (ref.type !== "rsa") return void (await expect(ours).rejects.toThrow(`is a ${ref.type?.toUpperCase()} key`));
    if (ref.bits < 2048 || ref.bits > 4096) return void (await expect(ours).rejects.toThrow(`is an RSA key of ${ref.bits} bits`));
    await expect(ours).resolves.toMatchObject({ format: "spki", bits: ref.bits, thumbprint: ref.thumbprint });
  });
});

describe("RFC 7638 thumbprints", () => {
  it("are jose's calculateJwkThumbprint for keys in every form and for a certificate's key", async () => {
    const cert = readFileSync(path.join(__dirname, "../fixtures/keys/expired.crt"), "utf8");
    const blocks: KeyBlock[] = [
      ...[2048, 2049, 3072, 4096].map((bits) => ({ label: "PUBLIC KEY" as const, pem: rsaPublicKeyOfBits(bits).trimEnd() })),
      { label: "PUBLIC KEY", pem: pemOf(der(rsaPublicKeyOfBits(2048)), 76).trimEnd() },
      { label: "RSA PUBLIC KEY", pem: rsaPublicKeyOfBits(3072, "pkcs1").trimEnd() },
      { label: "CERTIFICATE", pem: cert.trimEnd() },
    ];
    const reports = await inspectBlocks(blocks);
    for (const [i, { pem }] of blocks.entries()) {
      const key = i === blocks.length - 1 ? new X509Certificate(pem).publicKey : createPublicKey(pem);
      expect(reports[i]).toMatchObject({ keyType: "rsa", thumbprint: await calculateJwkThumbprint(await exportJWK(key), "sha256") });
    }
  });
});
