import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalCa, defaultTlsDir, ensureLocalTls, issueServerCertificate } from "../../src/local-tenant/tls";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "local-tls-"));
  dirs.push(d);
  return path.join(d, "tls");
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One HTTPS GET through Node's own TLS checks, trusting only `ca`; resolves "ok" or the TLS error message. */
async function handshake(cert: { certPem: string; keyPem: string }, ca: string, host: string, servername?: string): Promise<string> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    return await new Promise<string>((resolve) => {
      const req = request({ host, port: (server.address() as AddressInfo).port, ca, ...(servername ? { servername } : {}) }, (res) => {
        res.resume();
        resolve("ok");
      });
      req.on("error", (e) => resolve(e.message));
      req.end();
    });
  } finally {
    server.close();
  }
}

describe("the local tenant's TLS material", () => {
  it("is generated once (server key 0600, no CA key on disk), then reused", async () => {
    const dir = tempDir();
    const first = await ensureLocalTls(dir);
    expect(first.generated).toBe(true);
    expect(first.caPath).toBe(path.join(dir, "ca.pem"));
    if (process.platform !== "win32") {
      expect(statSync(path.join(dir, "server-key.pem")).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o077).toBe(0);
    }
    expect(first.caPem).not.toMatch(/PRIVATE/);
    const second = await ensureLocalTls(dir);
    expect(second.generated).toBe(false);
    expect(second.certPem).toBe(first.certPem);

    const cert = new X509Certificate(first.certPem);
    expect(cert.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(cert.verify(new X509Certificate(first.caPem).publicKey)).toBe(true);
    expect(await handshake(first, first.caPem, "localhost")).toBe("ok");
    expect(await handshake(first, first.caPem, "127.0.0.1")).toBe("ok");
  });

  it("is renewed when the certificate nears expiry or a file is damaged", async () => {
    const dir = tempDir();
    const first = await ensureLocalTls(dir);
    const later = await ensureLocalTls(dir, new Date(Date.now() + 360 * 86_400_000));
    expect(later.generated).toBe(true);
    expect(later.caPem).not.toBe(first.caPem);
    writeFileSync(path.join(dir, "server.pem"), first.certPem); // a certificate the (new) CA did not sign
    expect((await ensureLocalTls(dir)).generated).toBe(true);
  });

  it("the CA is name-constrained: a certificate it signed for another name is refused by Node's TLS", async () => {
    const ca = await createLocalCa();
    const elsewhere = await issueServerCertificate(ca, new Date(), { dns: ["bank.example"], ips: [] });
    expect(await handshake(elsewhere, ca.certPem, "127.0.0.1", "bank.example")).toMatch(/permitted subtree violation/);
  });

  it("lives in the user's cache directory unless told otherwise", () => {
    expect(defaultTlsDir({ XDG_CACHE_HOME: "/c" }, "linux")).toBe(path.join("/c", "auth0-tenant", "local-tls"));
    expect(defaultTlsDir({ AUTH0_TENANT_TLS_DIR: "/x" }, "linux")).toBe("/x");
  });
});
