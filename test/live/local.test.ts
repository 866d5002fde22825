import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { rootCertificates } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alreadyTrusted, reexecTrustingLocalCa } from "../../src/live/local";
import { ensureLocalTls, type LocalTls } from "../../src/local-tenant/tls";

// `import --local` / `drift --local` keep a NODE_EXTRA_CA_CERTS that already trusts the local CA. The re-execution
// itself is not run here (it would start this test runner again); reader.test.ts runs it through the command line.

let scratch: string;
let tls: LocalTls;
const file = (name: string, text: string) => {
  const p = path.join(scratch, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "live-local-"));
  tls = await ensureLocalTls(path.join(scratch, "tls"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a NODE_EXTRA_CA_CERTS that already trusts the local CA is kept", () => {
  it("a bundle holding the local CA among others, whatever its line endings, trusts it; one without it does not", () => {
    const bundle = [rootCertificates[0]!, tls.caPem, rootCertificates[1]!].join("\n").replace(/\n/g, "\r\n");
    expect(alreadyTrusted(file("bundle-crlf.pem", bundle), tls.caPath)).toBe(true);
    expect(alreadyTrusted(tls.caPath, tls.caPath)).toBe(true);
    expect(alreadyTrusted(file("others.pem", rootCertificates.slice(0, 3).join("\n")), tls.caPath)).toBe(false);
    expect(alreadyTrusted(file("not-pem.pem", "hello"), tls.caPath)).toBe(false);
    expect(alreadyTrusted(path.join(scratch, "missing.pem"), tls.caPath)).toBe(false);
    expect(alreadyTrusted(undefined, tls.caPath)).toBe(false);
  });

  it("a local tenant started with --tls-dir: the user's NODE_EXTRA_CA_CERTS is kept though the default CA is absent", async () => {
    const emptyCache = path.join(scratch, "no-ca-here");
    await expect(
      reexecTrustingLocalCa(undefined, { AUTH0_TENANT_TLS_DIR: emptyCache, NODE_EXTRA_CA_CERTS: tls.caPath }),
    ).resolves.toBeUndefined();
    // Without one, the missing CA is reported with what to do.
    await expect(reexecTrustingLocalCa(undefined, { AUTH0_TENANT_TLS_DIR: emptyCache })).rejects.toThrow(
      /^no local CA at .*no-ca-here\/ca\.pem: start `npm run tenant:local` once/,
    );
    // An explicit --ca that does not exist is an error even then.
    await expect(
      reexecTrustingLocalCa(path.join(scratch, "nope.pem"), { AUTH0_TENANT_TLS_DIR: emptyCache, NODE_EXTRA_CA_CERTS: tls.caPath }),
    ).rejects.toThrow(/^no local CA at .*nope\.pem/);
  });
});
