import { describe, expect, it } from "vitest";
import { KEY_ALGORITHMS, KEY_BITS } from "../../src/keys/limits";
import { CREDENTIAL_ALGS, inspectPublicKey, MAX_RSA_BITS, MIN_RSA_BITS } from "../../src/spec";
import { MAX_CREDENTIALS } from "../../src/spec/credentials";
import { validateTenant } from "../../src/tenant/load";
import { FIXTURE_PUBLIC_KEY_PEM, rsaCertificate, rsaPublicKeyOfBits } from "../support/rsa-keys";

/** Key sizes, credential counts and expiries at each limit −1, the limit and +1, at a fixed clock. */
const NOW = new Date("2026-11-22T12:00:00Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);
const SECOND = 1000;

describe("RSA key sizes: 2048 to 4096 bits", () => {
  it("the bounds are Auth0's", () => {
    expect([MIN_RSA_BITS, MAX_RSA_BITS]).toEqual([2048, 4096]);
  });

  it.each([
    { bits: 1024, ok: false },
    { bits: 2047, ok: false },
    { bits: 2048, ok: true },
    { bits: 2049, ok: true },
    { bits: 4095, ok: true },
    { bits: 4096, ok: true },
    { bits: 4097, ok: false },
    { bits: 4608, ok: false },
  ])("$bits bits: accepted $ok (SPKI and PKCS#1)", async ({ bits, ok }) => {
    for (const type of ["spki", "pkcs1"] as const) {
      const inspected = inspectPublicKey(rsaPublicKeyOfBits(bits, type));
      if (ok) await expect(inspected).resolves.toMatchObject({ bits, format: type });
      else await expect(inspected).rejects.toThrow(`is an RSA key of ${bits} bits (allowed: 2048 to 4096 bits)`);
    }
  });

  it("the key tool generates only sizes and algorithms the spec accepts", async () => {
    expect(KEY_BITS).toEqual([2048, 3072, 4096]);
    expect(KEY_ALGORITHMS).toEqual(CREDENTIAL_ALGS);
    expect(KEY_ALGORITHMS).toEqual(["RS256", "RS384", "PS256"]);
    for (const bits of KEY_BITS) await expect(inspectPublicKey(rsaPublicKeyOfBits(bits))).resolves.toMatchObject({ bits });
  });
});

/** A tenant with one m2m application whose credentials read the given files. */
function tenant(credentials: object[], files: Record<string, string>) {
  const raw = {
    apis: { orders: { identifier: "https://orders.test", scopes: { "orders:read": "r" } } },
    applications: { svc: { type: "m2m", credentials, grants: { orders: ["orders:read"] } } },
  };
  return validateTenant(raw, { stack: "dev", now: NOW, readFile: async (p) => files[p] });
}

describe("credentials per application: 1 to 2", () => {
  const keys = Object.fromEntries([1, 2, 3].map((i) => [`keys/k${i}.pem`, rsaPublicKeyOfBits(2048)]));
  const creds = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `k${i + 1}`, publicKey: `keys/k${i + 1}.pem` }));

  it("the limit is Auth0's", () => expect(MAX_CREDENTIALS).toBe(2));

  it.each([
    { count: 0, error: "needs at least one credential" },
    { count: 1, error: undefined },
    { count: 2, error: undefined },
    { count: 3, error: "at most 2 credentials per application" },
  ])("$count credentials", async ({ count, error }) => {
    const r = await tenant(creds(count), keys);
    if (error === undefined) {
      expect(r.errors).toEqual([]);
      expect(r.spec!.applications.svc!.credentials).toHaveLength(count);
    } else {
      expect(r.errors).toEqual([
        { path: "applications.svc.credentials", code: expect.any(String), message: expect.stringContaining(error) },
      ]);
    }
  });
});

describe("expiresAt against the clock: equal to now is expired", () => {
  const files = { "keys/k.pem": rsaPublicKeyOfBits(2048) };
  it.each([
    { expiresAt: at(-SECOND).toISOString(), expired: true },
    { expiresAt: at(-1).toISOString(), expired: true },
    { expiresAt: NOW.toISOString(), expired: true },
    { expiresAt: "2026-11-22T13:00:00+01:00", expired: true },
    { expiresAt: at(1).toISOString(), expired: false },
    { expiresAt: at(SECOND).toISOString(), expired: false },
  ])("$expiresAt: expired $expired", async ({ expiresAt, expired }) => {
    const r = await tenant([{ name: "k", publicKey: "keys/k.pem", expiresAt }], files);
    if (expired) {
      expect(r.errors).toEqual([
        {
          path: "applications.svc.credentials[0].expiresAt",
          code: "expired",
          message: `${expiresAt} is in the past (an expired credential cannot authenticate; retire it or set a future date)`,
        },
      ]);
    } else {
      expect(r.errors).toEqual([]);
      expect(r.spec!.applications.svc!.credentials![0]).toMatchObject({
        expiresAt,
        effectiveExpiresAt: expiresAt,
        parseExpiryFromCert: false,
      });
    }
  });
});

describe("X.509 credentials: the certificate's own validity bounds the credential", () => {
  const NOT_AFTER = new Date("2027-03-31T00:00:00Z");
  const cert = (notAfter: Date) => rsaCertificate({ notBefore: new Date("2026-01-01T00:00:00Z"), notAfter });

  it("without expiresAt the credential expires with the certificate (parseExpiryFromCert)", async () => {
    const r = await tenant([{ name: "c", publicKey: "keys/c.crt" }], { "keys/c.crt": await cert(NOT_AFTER) });
    expect(r.errors).toEqual([]);
    expect(r.spec!.applications.svc!.credentials![0]).toMatchObject({
      parseExpiryFromCert: true,
      effectiveExpiresAt: NOT_AFTER.toISOString(),
      key: { format: "x509", bits: 2048, certificateNotAfter: NOT_AFTER },
    });
  });

  it.each([
    { expiresAt: new Date(NOT_AFTER.getTime() - SECOND).toISOString(), after: false },
    { expiresAt: NOT_AFTER.toISOString(), after: false },
    { expiresAt: new Date(NOT_AFTER.getTime() + 1).toISOString(), after: true },
    { expiresAt: new Date(NOT_AFTER.getTime() + SECOND).toISOString(), after: true },
  ])("expiresAt $expiresAt after the certificate's expiry: $after", async ({ expiresAt, after }) => {
    const r = await tenant([{ name: "c", publicKey: "keys/c.crt", expiresAt }], { "keys/c.crt": await cert(NOT_AFTER) });
    if (after) {
      expect(r.errors).toEqual([
        {
          path: "applications.svc.credentials[0].expiresAt",
          code: "after_certificate_expiry",
          message: `${expiresAt} is after the certificate's own expiry 2027-03-31T00:00:00.000Z (allowed: on or before it)`,
        },
      ]);
    } else {
      expect(r.errors).toEqual([]);
      expect(r.spec!.applications.svc!.credentials![0]).toMatchObject({ parseExpiryFromCert: false, effectiveExpiresAt: expiresAt });
    }
  });

  it.each([
    { notAfter: at(-SECOND), expired: true },
    { notAfter: NOW, expired: true },
    { notAfter: at(SECOND), expired: false },
  ])("a certificate ending at $notAfter: expired $expired", async ({ notAfter, expired }) => {
    const r = await tenant([{ name: "c", publicKey: "keys/c.crt" }], { "keys/c.crt": await cert(notAfter) });
    const issue = {
      path: "applications.svc.credentials[0].publicKey",
      code: "expired",
      message: `certificate in keys/c.crt expired on ${notAfter.toISOString()} (use a certificate that is still valid)`,
    };
    if (expired) expect(r.errors).toEqual([issue]);
    else expect(r.errors).toEqual([]);
  });

  it("a certificate and the same key as a public key are one key (one thumbprint)", async () => {
    const [fromCert, fromKey] = await Promise.all([inspectPublicKey(await cert(NOT_AFTER)), inspectPublicKey(FIXTURE_PUBLIC_KEY_PEM)]);
    expect(fromCert.thumbprint).toBe(fromKey.thumbprint);
    expect(fromKey.certificateNotAfter).toBeUndefined();
  });
});

describe("what a key file may hold", () => {
  // Built at run time: test sources hold no private-key banner (test/repo-hygiene.test.ts).
  const banner = (label: string) =>
    `-----BEGIN ${label}-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END ${label}-----\n`;

  it.each(["PRIV" + "ATE KEY", "RSA PRIV" + "ATE KEY", "ENCRYPTED PRIV" + "ATE KEY", "EC PRIV" + "ATE KEY"])(
    "a %s block is refused as a private key, before anything else is read",
    async (label) => {
      await expect(inspectPublicKey(banner(label))).rejects.toThrow(
        /this file holds a PRIVATE key; only the public half belongs in keys\//,
      );
    },
  );

  it("a block of another kind is named and refused", async () => {
    await expect(inspectPublicKey(banner("EC PARAMETERS"))).rejects.toThrow(
      'unsupported PEM block "EC PARAMETERS" (allowed: PUBLIC KEY, RSA PUBLIC KEY, CERTIFICATE)',
    );
  });

  it("a PUBLIC KEY block that does not parse says the file may be truncated or corrupted", async () => {
    await expect(inspectPublicKey(banner("PUBLIC KEY"))).rejects.toThrow(
      /^the PUBLIC KEY block does not parse \(.+\); is the file truncated or corrupted\?$/,
    );
  });

  it("no PEM block at all names the three accepted blocks", async () => {
    await expect(inspectPublicKey("ssh-rsa AAAAB3NzaC1yc2E")).rejects.toThrow(
      "not a PEM file, or a truncated one (expected one -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or -----BEGIN CERTIFICATE----- block with its END line)",
    );
  });

  it("an EC key is refused naming its type", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { publicKey } = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
    } as never) as unknown as {
      publicKey: string;
    };
    await expect(inspectPublicKey(publicKey)).rejects.toThrow("is a EC key (allowed: RSA keys of 2048 to 4096 bits)");
  });

  it("the key is the PEM block itself with one final newline, and the same facts come back from the cache", async () => {
    const block = FIXTURE_PUBLIC_KEY_PEM.trim();
    const text = `# a comment before the block\n\n${block}\n\ntrailing text`;
    const first = await inspectPublicKey(text);
    const again = await inspectPublicKey(text);
    expect(first.pem).toBe(`${block}\n`);
    expect(again).toEqual(first);
    const certText = await rsaCertificate({ notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2027-03-31T00:00:00Z") });
    const [c1, c2] = [await inspectPublicKey(certText), await inspectPublicKey(certText)];
    expect(c2).toEqual(c1);
    expect(c1).toMatchObject({ format: "x509", certificateNotAfter: new Date("2027-03-31T00:00:00Z") });
  });
});
