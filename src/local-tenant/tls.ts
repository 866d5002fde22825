import { createPrivateKey, KeyObject, webcrypto, X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { DAY_MS } from "../spec/expiry";

/**
 * The local tenant's HTTPS material: a local CA and a certificate for localhost, 127.0.0.1 and ::1 signed by it,
 * generated once and cached outside the repository, so clients trust it with one line
 * (`export NODE_EXTRA_CA_CERTS=<dir>/ca.pem`) and every SDK can talk to it unmodified.
 *
 * Two choices keep a CA trusted by a developer's Node processes from becoming a risk:
 * - its private key is never written anywhere: it signs the server certificate and is dropped. Renewal makes a new
 *   CA at the same path (the export line stays valid; running processes read the file at start).
 * - it carries critical name constraints (RFC 5280 4.2.1.10): it can only vouch for localhost, 127.0.0.1 and ::1,
 *   and OpenSSL refuses anything else it might sign.
 */

export const LOCAL_TLS_NAMES = { dns: ["localhost"], ips: ["127.0.0.1", "::1"] } as const;
const VALID_DAYS = 365;
/** Regenerate when the server certificate has less than this left. */
const RENEW_BEFORE_DAYS = 7;

export interface LocalTls {
  dir: string;
  /** The file NODE_EXTRA_CA_CERTS points at. */
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Whether this call generated the files (first run or renewal). */
  generated: boolean;
}

/** Where the CA and certificate are cached: the user's cache directory, never the repository. */
export function defaultTlsDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.AUTH0_TENANT_TLS_DIR) return env.AUTH0_TENANT_TLS_DIR;
  const cache =
    platform === "win32"
      ? (env.LOCALAPPDATA ?? path.join(homedir(), "AppData", "Local"))
      : platform === "darwin"
        ? path.join(homedir(), "Library", "Caches")
        : env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return path.join(cache, "auth0-tenant", "local-tls");
}

const files = (dir: string) => ({
  ca: path.join(dir, "ca.pem"),
  cert: path.join(dir, "server.pem"),
  key: path.join(dir, "server-key.pem"),
});

/** Loads the cached CA and server certificate, generating (or renewing) them when missing, mismatched or expiring. */
export async function ensureLocalTls(dir = defaultTlsDir(), now = new Date()): Promise<LocalTls> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = files(dir);
  const cached = loadValid(f, now);
  if (cached) return { dir, caPath: f.ca, ...cached, generated: false };
  return withLock(dir, async () => {
    const again = loadValid(f, now); // another process may have generated them while this one waited
    if (again) return { dir, caPath: f.ca, ...again, generated: false };
    const ca = await createLocalCa(now);
    const server = await issueServerCertificate(ca, now);
    // The key first and private from the start (written to a 0600 temporary file, then renamed into place).
    writeAtomic(f.key, server.keyPem, 0o600);
    writeAtomic(f.cert, server.certPem, 0o644);
    writeAtomic(f.ca, ca.certPem, 0o644);
    return { dir, caPath: f.ca, caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem, generated: true };
  });
}

function loadValid(f: ReturnType<typeof files>, now: Date): { caPem: string; certPem: string; keyPem: string } | undefined {
  let caPem: string, certPem: string, keyPem: string;
  try {
    caPem = readFileSync(f.ca, "utf8");
    certPem = readFileSync(f.cert, "utf8");
    keyPem = readFileSync(f.key, "utf8");
  } catch {
    return undefined;
  }
  try {
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    const ok =
      ca.ca &&
      cert.checkIssued(ca) &&
      cert.verify(ca.publicKey) &&
      cert.checkPrivateKey(key) &&
      Date.parse(cert.validFrom) <= now.getTime() &&
      Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS &&
      Date.parse(ca.validTo) - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS &&
      LOCAL_TLS_NAMES.dns.every((n) => cert.checkHost(n, { wildcards: false }) === n) &&
      LOCAL_TLS_NAMES.ips.every((ip) => cert.checkIP(ip) === ip);
    if (!ok) return undefined;
    if (process.platform !== "win32" && (statSync(f.key).mode & 0o077) !== 0) chmodSync(f.key, 0o600);
    return { caPem, certPem, keyPem };
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, text: string, mode: number) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, { mode, flag: "wx" });
  chmodSync(tmp, mode); // the umask may have narrowed it; never widened
  renameSync(tmp, file);
}

/** A lock directory (mkdir is atomic), so two local tenants starting at once don't interleave CA and certificate. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, ".lock");
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let stale = false;
      try {
        stale = Date.now() - statSync(lock).mtimeMs > 30_000;
      } catch {
        continue; // released meanwhile
      }
      if (stale || Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Generation (@peculiar/x509: Node's crypto parses and verifies certificates but cannot issue them). Loaded only
// when certificates are generated, which also keeps its reflect-metadata polyfill out of ordinary starts.

const ECDSA = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface LocalCa {
  certPem: string;
  /** Kept in memory only, long enough to sign the server certificate (exposed for tests). */
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
  subject: string;
}

type X509Lib = typeof import("@peculiar/x509");
type SelfSignedParams = Parameters<X509Lib["X509CertificateGenerator"]["createSelfSigned"]>[0];
/** The lib's CryptoKey type (the DOM one, which this project's lib settings do not load); Node's is the same object. */
type LibCryptoKey = SelfSignedParams["keys"]["publicKey"];

async function x509lib(): Promise<X509Lib> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

const serial = () => {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Buffer.from(bytes).toString("hex");
};

/** A CA that can only vouch for localhost, 127.0.0.1 and ::1 (critical name constraints), valid a year. */
export async function createLocalCa(
  now = new Date(),
  names: { dns: readonly string[]; ips: readonly string[] } = LOCAL_TLS_NAMES,
): Promise<LocalCa> {
  const x509 = await x509lib();
  const { AsnConvert } = await import("@peculiar/asn1-schema");
  const asn = await import("@peculiar/asn1-x509");
  const keys = (await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const subject = `CN=auth0-tenant local CA ${now.toISOString().slice(0, 10)} ${serial().slice(0, 8)}, O=auth0-tenant local tenant (development only)`;
  const permitted = [
    ...names.dns.map((d) => new asn.GeneralName({ dNSName: d })),
    ...names.ips.map((ip) => new asn.GeneralName({ iPAddress: ipWithMask(ip) })),
  ];
  const nameConstraints = new asn.NameConstraints({
    permittedSubtrees: new asn.GeneralSubtrees(permitted.map((base) => new asn.GeneralSubtree({ base }))),
  });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + VALID_DAYS * DAY_MS),
    signingAlgorithm: ECDSA,
    keys: keys as unknown as SelfSignedParams["keys"],
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.Extension(asn.id_ce_nameConstraints, true, AsnConvert.serialize(nameConstraints)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as LibCryptoKey),
    ],
  });
  return { certPem: cert.toString("pem"), privateKey: keys.privateKey, publicKey: keys.publicKey, subject };
}

/** asn1-x509 takes an iPAddress as text; a name constraint needs address + mask ("127.0.0.1/32" is its form). */
function ipWithMask(ip: string): string {
  return ip.includes(":") ? `${ip}/128` : `${ip}/32`;
}

/** A server certificate for the given names (default localhost, 127.0.0.1, ::1), signed by the CA. */
export async function issueServerCertificate(
  ca: LocalCa,
  now = new Date(),
  names: { dns: readonly string[]; ips: readonly string[] } = LOCAL_TLS_NAMES,
): Promise<{ certPem: string; keyPem: string }> {
  const x509 = await x509lib();
  const keys = (await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names.dns[0] ?? names.ips[0]}`,
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + VALID_DAYS * DAY_MS),
    signingAlgorithm: ECDSA,
    publicKey: keys.publicKey as unknown as LibCryptoKey,
    signingKey: ca.privateKey as unknown as LibCryptoKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: "dns" as const, value })),
        ...names.ips.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as LibCryptoKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey as unknown as LibCryptoKey),
    ],
  });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "pem" }) as string;
  return { certPem: cert.toString("pem"), keyPem };
}

/** The local CA's PEM from a cache directory, when it has been generated (what `npx auth0-tenant token --local` trusts). */
export function readLocalCa(dir = defaultTlsDir()): string | undefined {
  try {
    return readFileSync(files(dir).ca, "utf8");
  } catch {
    return undefined;
  }
}
