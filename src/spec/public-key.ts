import { PublicKeyError } from "../errors";
import type { BlockReport, KeyBlock } from "./key-inspector.cjs";
import { keyBlockInspection } from "./key-inspector-pool";
import { cachedFacts, contentHash, rememberFacts, type KeyFacts } from "./key-facts-cache";

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
const FORMATS = { "PUBLIC KEY": "spki", "RSA PUBLIC KEY": "pkcs1", CERTIFICATE: "x509" } as const;

/**
 * Parses a public key file as Auth0 accepts it: SPKI ("PUBLIC KEY"), PKCS#1 ("RSA PUBLIC KEY") or an X.509
 * certificate, RSA of 2048 to 4096 bits. Throws PublicKeyError with a message meant for the user.
 */
export async function inspectPublicKey(text: string): Promise<PublicKeyInfo> {
  const [result] = await inspectPublicKeys([text]);
  if (result instanceof PublicKeyError) throw result;
  return result!;
}

/**
 * inspectPublicKey for many files at once, answering in their order with each file's PublicKeyInfo or PublicKeyError.
 * Keys whose facts are cached are answered from the cache; the others are parsed together, over the machine's cores
 * when there are many (src/spec/key-inspector-pool.ts).
 */
export async function inspectPublicKeys(texts: string[]): Promise<(PublicKeyInfo | PublicKeyError)[]> {
  const inspection = publicKeyInspection();
  inspection.add(texts);
  return inspection.results();
}

export interface PublicKeyInspection {
  /** Files' texts, as they are read. */
  add(texts: string[]): void;
  /** What each file added holds, in the order they were added. Call once, after the last add. */
  results(): Promise<(PublicKeyInfo | PublicKeyError)[]>;
}

/**
 * inspectPublicKeys for files that come in batches (a tenant's key files are read a few hundred at a time): keys not in
 * the facts cache start being parsed on the other cores while the next batches are read.
 */
export function publicKeyInspection(): PublicKeyInspection {
  const results: (PublicKeyInfo | PublicKeyError | undefined)[] = [];
  const pending: { at: number; hash: string; block: KeyBlock }[] = [];
  const blocks = keyBlockInspection();
  return {
    add(texts) {
      const added = pending.length;
      for (const text of texts) {
        const at = results.length;
        results.push(undefined);
        const block = pemBlock(text);
        if (block instanceof PublicKeyError) results[at] = block;
        else {
          const hash = contentHash(block.pem);
          const known = cachedFacts(hash);
          if (known) results[at] = info(block.pem, known);
          else pending.push({ at, hash, block });
        }
      }
      if (pending.length > added) blocks.add(pending.slice(added).map((p) => p.block));
    },
    async results() {
      const reports = await blocks.done();
      for (const [i, { at, hash, block }] of pending.entries()) {
        const facts = checked(block, reports[i]!);
        if (facts instanceof PublicKeyError) results[at] = facts;
        else {
          rememberFacts(hash, facts);
          results[at] = info(block.pem, facts);
        }
      }
      return results as (PublicKeyInfo | PublicKeyError)[];
    },
  };
}

function pemBlock(text: string): KeyBlock | PublicKeyError {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    return new PublicKeyError(
      "this file holds a PRIVATE key; only the public half belongs in keys/ (extract it with `openssl pkey -in key.pem -pubout`, keep the private key outside the repository, and consider it exposed if it was ever committed)",
    );
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    return new PublicKeyError(
      "not a PEM file, or a truncated one (expected one -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or -----BEGIN CERTIFICATE----- block with its END line)",
    );
  }
  if (blocks.length > 1) {
    return new PublicKeyError(`holds ${blocks.length} PEM blocks (allowed: exactly one public key or certificate)`);
  }
  const [pem, label] = blocks[0]! as unknown as [string, string];
  if (!(label in FORMATS)) {
    return new PublicKeyError(`unsupported PEM block "${label}" (allowed: PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE)`);
  }
  return { label: label as KeyBlock["label"], pem };
}

/** The rules Auth0 applies to what OpenSSL found in a block. */
function checked({ label }: KeyBlock, report: BlockReport): KeyFacts | PublicKeyError {
  if (report.parseError !== undefined) {
    return new PublicKeyError(`the ${label} block does not parse (${report.parseError}); is the file truncated or corrupted?`);
  }
  if (report.keyType !== "rsa") {
    return new PublicKeyError(
      `is a ${report.keyType?.toUpperCase() ?? "non-RSA"} key (allowed: RSA keys of ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits)`,
    );
  }
  const bits = report.bits ?? 0;
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    return new PublicKeyError(`is an RSA key of ${bits} bits (allowed: ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits)`);
  }
  return { format: FORMATS[label], bits, thumbprint: report.thumbprint!, ...(report.notAfter ? { notAfter: report.notAfter } : {}) };
}

const info = (pem: string, facts: KeyFacts): PublicKeyInfo => ({
  pem: pem + "\n",
  format: facts.format,
  bits: facts.bits,
  thumbprint: facts.thumbprint,
  ...(facts.notAfter ? { certificateNotAfter: new Date(facts.notAfter) } : {}),
});
