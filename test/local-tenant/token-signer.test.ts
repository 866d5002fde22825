import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { compactVerify, decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { SigningKeys, type SigningKey } from "../../src/local-tenant/signing-keys";
import { TokenSigner } from "../../src/local-tenant/token-signer";
import { keyDealer } from "../support/rsa-key-pairs";

const pem = keyDealer();
/** Two RS256 keys with their own kid, and the PS256 key, as the local tenant has them. */
const rs = (n: number): SigningKey => {
  const privateKey = createPrivateKey(pem().privateKey);
  return { alg: "RS256", kid: `rs-${n}`, privateKey, publicJwk: {} };
};
const keyA = rs(1);
const keyB = rs(2);
const claims = (over: Record<string, unknown> = {}) => ({
  "https://acme.example/tenant_id": "acme",
  iss: "https://localhost:4010/",
  sub: "c1@clients",
  aud: "https://orders.test",
  azp: "c1",
  gty: "client-credentials",
  scope: "orders:read",
  iat: 1_800_000_000,
  exp: 1_800_003_600,
  ...over,
});

describe("TokenSigner: an RS256 token signed once per distinct payload and second, never another payload's", () => {
  it("gives the bytes jose's SignJWT gives for the same claims and header", async () => {
    const c = claims();
    const expected = await new SignJWT(c).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: keyA.kid }).sign(keyA.privateKey);
    expect(await new TokenSigner().sign(keyA, c)).toBe(expected);
  });

  it("identical claims in one second: one token, held once; concurrent requests share it", async () => {
    const signer = new TokenSigner();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => signer.sign(keyA, claims())));
    expect(new Set(tokens).size).toBe(1);
    expect(signer.size).toBe(1);
  });

  it("every token carries exactly the claims it was asked for, under the key it was asked for", async () => {
    const signer = new TokenSigner();
    // Payloads that differ in one claim, in claim order only, in a nested value, by a key's kid, or by type.
    const asks: [SigningKey, Record<string, unknown> & { iat: number }][] = [
      [keyA, claims()],
      [keyB, claims()],
      [keyA, claims({ scope: "orders:read orders:write" })],
      [keyA, claims({ azp: "c2", sub: "c2@clients" })],
      [keyA, { ...claims(), "https://acme.example/tenant_id": undefined, tenant: "acme" }],
      [keyA, { ...(Object.fromEntries(Object.entries(claims()).reverse()) as ReturnType<typeof claims>) }],
      [keyA, claims({ "https://acme.example/tenant_id": { id: "acme" } })],
      [keyA, claims({ "https://acme.example/tenant_id": ["acme"] })],
      [keyA, claims({ exp: "1800003600" })],
    ];
    // Twice over, concurrently, so the second round is answered from the memo.
    const tokens = await Promise.all([...asks, ...asks].map(([key, c]) => signer.sign(key, c)));
    for (const [i, token] of tokens.entries()) {
      const [key, c] = asks[i % asks.length]!;
      expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", typ: "JWT", kid: key.kid });
      expect(new TextDecoder().decode((await compactVerify(token, createPublicKey(key.privateKey))).payload)).toBe(JSON.stringify(c));
      expect(decodeJwt(token)).toEqual(JSON.parse(JSON.stringify(c)));
    }
    expect(new Set(tokens.slice(0, asks.length)).size).toBe(asks.length);
    expect(tokens.slice(asks.length)).toEqual(tokens.slice(0, asks.length));
  });

  it("holds one second only: another iat, later or earlier (a clock set back), drops the tokens held", async () => {
    const signer = new TokenSigner();
    await signer.sign(keyA, claims());
    await signer.sign(keyA, claims({ scope: "x" }));
    expect(signer.size).toBe(2);
    const later = await signer.sign(keyA, claims({ iat: 1_800_000_001 }));
    expect(signer.size).toBe(1);
    const earlier = await signer.sign(keyA, claims());
    expect(signer.size).toBe(1);
    expect(await signer.sign(keyA, claims())).toBe(earlier);
    expect(decodeJwt(later).iat).toBe(1_800_000_001);
    expect(decodeJwt(earlier).iat).toBe(1_800_000_000);
  });

  it("is bounded: past maxEntries tokens are still signed, and not held", async () => {
    const signer = new TokenSigner(2);
    const tokens = await Promise.all(["a", "b", "c", "d"].map((scope) => signer.sign(keyA, claims({ scope }))));
    expect(signer.size).toBe(2);
    expect(tokens.map((t) => decodeJwt(t).scope)).toEqual(["a", "b", "c", "d"]);
  });

  it("PS256 (randomised) is signed anew each time and never held", async () => {
    const keys = await SigningKeys.generate(["PS256"]);
    const ps = keys.forAlg("PS256");
    const signer = new TokenSigner();
    const [t1, t2] = await Promise.all([signer.sign(ps, claims()), signer.sign(ps, claims())]);
    expect(t1).not.toBe(t2);
    expect(decodeProtectedHeader(t1!).alg).toBe("PS256");
    expect(signer.size).toBe(0);
  });

  it("a failed signature is not kept: the next request signs again", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const broken: SigningKey = { alg: "RS256", kid: "broken", privateKey: ec, publicJwk: {} };
    const signer = new TokenSigner();
    await expect(signer.sign(broken, claims())).rejects.toThrow();
    expect(signer.size).toBe(0);
  });
});
