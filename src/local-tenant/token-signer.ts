import { CompactSign } from "jose";
import type { SigningKey } from "./signing-keys";

/** The claims of an access token: `iat` (whole seconds) decides how long a signed token may be reused. */
export type TokenClaims = Record<string, unknown> & { iat: number };

const encoder = new TextEncoder();

/**
 * Signs the local tenant's access tokens, and signs each distinct RS256 token once per second.
 *
 * RS256 (RSASSA-PKCS1-v1_5, RFC 8017 section 8.2.1: EMSA-PKCS1-v1_5 has no random input) is deterministic: one key
 * and one header and payload byte string always give one token. Access tokens carry no jti (neither do Auth0's M2M
 * tokens), so the requests of one client for one audience and scope set in one second, whose actions return the
 * same claims, get byte-identical tokens; signing them again only repeats the same bytes. This memo returns those
 * bytes: keyed by the key's kid and the exact payload text, holding only tokens of the `iat` second last signed
 * (another second drops them all), at most `maxEntries`. A request sharing an entry still passed client authentication,
 * the replay check, grants and the actions before it got here. PS256 is randomised (a fresh salt per signature),
 * so it is always signed anew.
 */
export class TokenSigner {
  private second = NaN;
  private readonly memo = new Map<string, Promise<string>>();

  constructor(readonly maxEntries = 1024) {}

  sign(key: SigningKey, claims: TokenClaims): Promise<string> {
    // The bytes jose's SignJWT signs for these claims (JSON.stringify of them), so both give the same token.
    const payload = JSON.stringify(claims);
    if (key.alg !== "RS256") return signCompact(key, payload);
    // Another second (the next one, or an earlier one after the clock was set back) replaces the held tokens.
    if (claims.iat !== this.second) {
      this.memo.clear();
      this.second = claims.iat;
    }
    const memoKey = `${key.kid}.${payload}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    const token = signCompact(key, payload);
    if (this.memo.size < this.maxEntries) {
      this.memo.set(memoKey, token);
      token.catch(() => {
        if (this.memo.get(memoKey) === token) this.memo.delete(memoKey);
      });
    }
    return token;
  }

  /** Tokens held (for tests and the benchmark). */
  get size(): number {
    return this.memo.size;
  }
}

function signCompact(key: SigningKey, payload: string): Promise<string> {
  return new CompactSign(encoder.encode(payload)).setProtectedHeader({ alg: key.alg, typ: "JWT", kid: key.kid }).sign(key.privateKey);
}
