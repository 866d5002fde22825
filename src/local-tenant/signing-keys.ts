import { generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import { API_SIGNING_ALGS } from "../spec/schema";

export type TokenSigningAlg = (typeof API_SIGNING_ALGS)[number];

export interface SigningKey {
  alg: TokenSigningAlg;
  kid: string;
  /** A node KeyObject: jose signs RS256 and PS256 with it alike (a WebCrypto key is bound to one algorithm). */
  privateKey: KeyObject;
  publicJwk: JWK;
}

/**
 * The local tenant's token signing keys: one RSA key per algorithm an API may choose (RS256, PS256), each published
 * in the JWKS with its own kid and `alg`. One key per algorithm (RFC 8725 section 3.1) lets every verifier pick the
 * key by kid alone, including those that ignore `alg`.
 */
export class SigningKeys {
  private constructor(private readonly byAlg: ReadonlyMap<TokenSigningAlg, SigningKey>) {}

  static async generate(algs: readonly TokenSigningAlg[] = API_SIGNING_ALGS): Promise<SigningKeys> {
    const keys = await Promise.all(
      algs.map(async (alg) => {
        const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
        const jwk = await exportJWK(publicKey);
        const kid = await calculateJwkThumbprint(jwk);
        return { alg, kid, privateKey, publicJwk: { ...jwk, kid, use: "sig", alg } } satisfies SigningKey;
      }),
    );
    return new SigningKeys(new Map(keys.map((k) => [k.alg, k])));
  }

  forAlg(alg: string): SigningKey {
    const key = this.byAlg.get(alg as TokenSigningAlg);
    if (!key) throw new Error(`the local tenant has no signing key for ${alg} (it has ${[...this.byAlg.keys()].join(", ")})`);
    return key;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.byAlg.values()].map((k) => k.publicJwk) };
  }
}
