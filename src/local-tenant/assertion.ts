import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { CredentialSpec } from "../spec/credentials";
import { localKid, type LocalClient } from "./clients";
import { invalidClient, OAuthError } from "./errors";
import type { JtiCache } from "./replay";

/** Auth0's limits for private_key_jwt client assertions (see shared/AUTH0-FACTS.md). */
export const ASSERTION_LIMITS = {
  maxBytes: 2048,
  maxLifetimeSeconds: 300,
  clockSkewSeconds: 10,
  maxJtiChars: 64,
  maxIdChars: 64,
  maxAlgChars: 16,
} as const;
export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const keyCache = new Map<string, KeyObject>();
function keyOf(credential: CredentialSpec): KeyObject {
  let key = keyCache.get(credential.key.thumbprint);
  if (!key) {
    key = credential.key.format === "x509" ? new X509Certificate(credential.key.pem).publicKey : createPublicKey(credential.key.pem);
    keyCache.set(credential.key.thumbprint, key);
  }
  return key;
}

export interface VerifiedAssertion {
  client: LocalClient;
  credential: CredentialSpec;
  payload: JWTPayload;
}

/**
 * Checks a client assertion the way Auth0 does: size, header alg (= the credential's) and optional kid, iss = sub =
 * client id, aud exactly one of `audiences` (the tenant URL with its trailing slash), exp required and the lifetime
 * at most 5 minutes (exp - iat, or exp - now without iat), iat/nbf with 10 s skew, jti required, at most 64
 * characters and single-use, signature by one of the app's unexpired credentials.
 */
export async function verifyClientAssertion(
  assertion: string,
  options: { clients: Map<string, LocalClient>; audiences: string[]; clientIdParam?: string; now: Date; replay: JtiCache },
): Promise<VerifiedAssertion> {
  if (Buffer.byteLength(assertion, "utf8") > ASSERTION_LIMITS.maxBytes) {
    throw invalidClient(`client_assertion is ${Buffer.byteLength(assertion, "utf8")} bytes (at most ${ASSERTION_LIMITS.maxBytes})`);
  }
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    throw invalidClient("client_assertion is not a well-formed JWT");
  }
  const alg = header.alg;
  if (typeof alg !== "string" || alg.length === 0 || alg.length > ASSERTION_LIMITS.maxAlgChars) {
    throw invalidClient(`client_assertion header alg must be a string of at most ${ASSERTION_LIMITS.maxAlgChars} characters`);
  }
  const clientId = claims.iss;
  if (typeof clientId !== "string" || clientId.length === 0 || clientId.length > ASSERTION_LIMITS.maxIdChars) {
    throw invalidClient(`client_assertion iss must be the client id (at most ${ASSERTION_LIMITS.maxIdChars} characters)`);
  }
  if (claims.sub !== clientId) throw invalidClient("client_assertion sub must equal iss (both are the client id)");
  if (options.clientIdParam !== undefined && options.clientIdParam !== clientId) {
    throw invalidClient("client_id does not match the client_assertion's iss");
  }
  const client = options.clients.get(clientId);
  if (!client) throw invalidClient(`Unknown client: ${clientId}`);

  const credentials = client.app.credentials ?? [];
  let candidates = credentials;
  if (header.kid !== undefined) {
    candidates = credentials.filter((c) => localKid(c) === header.kid);
    if (candidates.length === 0) throw invalidClient(`client_assertion kid "${String(header.kid)}" matches no credential of this client`);
  }
  candidates = candidates.filter((c) => c.algorithm === alg);
  if (candidates.length === 0) {
    throw invalidClient(
      `client_assertion alg ${alg} does not match the credential's algorithm (${[...new Set(credentials.map((c) => c.algorithm))].join(", ")})`,
    );
  }

  let verified: { credential: CredentialSpec; payload: JWTPayload } | undefined;
  let lastError: unknown;
  for (const credential of candidates) {
    try {
      const { payload } = await jwtVerify(assertion, keyOf(credential), {
        algorithms: [credential.algorithm],
        // aud is checked below, exactly: jose's audience option passes an array when any element matches.
        issuer: clientId,
        subject: clientId,
        clockTolerance: ASSERTION_LIMITS.clockSkewSeconds,
        requiredClaims: ["exp", "jti"],
        currentDate: options.now,
      });
      verified = { credential, payload };
      break;
    } catch (e) {
      lastError = e;
    }
  }
  if (!verified) throw invalidClient(describeJoseError(lastError));

  const { credential, payload } = verified;
  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  if (credential.effectiveExpiresAt && Date.parse(credential.effectiveExpiresAt) <= options.now.getTime()) {
    throw invalidClient(`the credential ${credential.name} expired at ${credential.effectiveExpiresAt}`);
  }
  checkAudience(payload.aud, options.audiences);
  const exp = payload.exp!;
  if (typeof payload.iat === "number") {
    if (payload.iat > nowSeconds + ASSERTION_LIMITS.clockSkewSeconds) throw invalidClient("client_assertion iat is in the future");
    if (exp - payload.iat > ASSERTION_LIMITS.maxLifetimeSeconds) {
      throw invalidClient(
        `client_assertion lifetime exceeds ${ASSERTION_LIMITS.maxLifetimeSeconds} seconds (exp - iat is ${exp - payload.iat})`,
      );
    }
  } else if (exp - nowSeconds > ASSERTION_LIMITS.maxLifetimeSeconds) {
    throw invalidClient(
      `client_assertion lifetime exceeds ${ASSERTION_LIMITS.maxLifetimeSeconds} seconds (no iat, and exp is ${exp - nowSeconds} s away)`,
    );
  }
  const jti = payload.jti;
  if (typeof jti !== "string" || jti.length === 0 || jti.length > ASSERTION_LIMITS.maxJtiChars) {
    throw invalidClient(`client_assertion jti must be a string of 1 to ${ASSERTION_LIMITS.maxJtiChars} characters`);
  }
  // Remembered while jose would still accept it: until exp plus the clock tolerance.
  const replay = options.replay.use(clientId, jti, exp + ASSERTION_LIMITS.clockSkewSeconds, options.now.getTime());
  if (replay === "used") throw invalidClient("client_assertion jti has already been used (assertions are single-use)");
  if (replay === "full") throw new OAuthError(429, "too_many_requests", "too many client assertions still unexpired; retry shortly");
  return { client, credential, payload };
}

/**
 * Auth0: `aud` is the tenant URL with its trailing slash (or the custom domain's). One value: a string, or an array
 * holding only it. An array that also names another audience is refused (audience injection: an assertion meant for
 * several servers is not this tenant's alone).
 */
function checkAudience(aud: unknown, audiences: string[]) {
  const expected = `the tenant URL with its trailing slash (${audiences.join(" or ")})`;
  const single = typeof aud === "string" ? aud : Array.isArray(aud) && aud.length === 1 && typeof aud[0] === "string" ? aud[0] : undefined;
  if (single === undefined) {
    const got = Array.isArray(aud) ? `an array of ${aud.length}` : aud === undefined ? "none" : typeof aud;
    throw invalidClient(`client_assertion aud must be one value, ${expected}; got ${got}`);
  }
  if (!audiences.includes(single)) throw invalidClient(`client_assertion aud must be ${expected}`);
}

function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return "client_assertion has expired";
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === "nbf") return "client_assertion is not valid yet (nbf)";
    if (e.claim === "exp" || e.claim === "jti") return `client_assertion ${e.claim} is required`;
    return `client_assertion ${e.claim} is invalid: ${e.message}`;
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed)
    return "client_assertion signature does not verify with any of the client's credentials";
  return `client_assertion is invalid: ${(e as Error)?.message ?? String(e)}`;
}
