import { createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { calculateJwkThumbprint, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, jwtVerify, SignJWT } from "jose";

/** The client side of private_key_jwt: what a workload does to get a token (used by `npm run token` and tests). */

export interface AssertionInput {
  clientId: string;
  privateKeyPem: string;
  alg: string;
  /** The tenant URL with its trailing slash, e.g. https://acme.eu.auth0.com/ */
  audience: string;
  kid?: string;
  lifetimeSeconds?: number;
  jti?: string;
  now?: Date;
}

export async function clientAssertion(input: AssertionInput): Promise<string> {
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: input.alg, typ: "JWT", ...(input.kid ? { kid: input.kid } : {}) })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (input.lifetimeSeconds ?? 60))
    .setJti(input.jti ?? randomUUID())
    .sign(createPrivateKey(input.privateKeyPem));
}

/** RFC 7638 thumbprint of a private key's public half: how a private key is matched to its declared credential. */
export async function thumbprintOfPrivateKey(privateKeyPem: string): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(createPublicKey(createPrivateKey(privateKeyPem))));
}

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

export async function requestToken(tokenUrl: string, params: Record<string, string>): Promise<TokenResult> {
  const res = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Decodes a token and verifies its signature against the issuer's JWKS. */
export async function inspectToken(token: string, jwksUrl: string, issuer: string) {
  const header = decodeProtectedHeader(token);
  const payload = decodeJwt(token);
  const { payload: verified } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksUrl)), { issuer });
  return { header, payload, verified: verified !== undefined };
}
