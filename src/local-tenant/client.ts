import { createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
} from "jose";

/** The client side of private_key_jwt: what a workload does to get a token (used by `npx auth0-tenant token` and tests). */

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

/** How to reach the server: `ca` (PEM) replaces the default trust, e.g. the local tenant's CA. */
export interface TransportOptions {
  ca?: string;
}

/** One request with Node's http/https (fetch cannot be given a CA), answering the status and the JSON body. */
export function requestJson(
  url: string,
  options: TransportOptions & { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<TokenResult> {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "GET",
        headers: {
          accept: "application/json",
          ...options.headers,
          ...(options.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}),
        },
        ...(options.ca !== undefined && target.protocol === "https:" ? { ca: options.ca } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
          } catch {
            reject(new Error(`${options.method ?? "GET"} ${url}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

export interface Discovered {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** The server's OpenID configuration (what openid-client and auth0-auth-js read first). */
export async function discover(baseUrl: string, options: TransportOptions = {}): Promise<Discovered> {
  const url = `${baseUrl.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const { status, body } = await requestJson(url, options);
  if (status !== 200 || typeof body.issuer !== "string" || typeof body.token_endpoint !== "string" || typeof body.jwks_uri !== "string") {
    throw new Error(`${url}: HTTP ${status}, not an OpenID configuration`);
  }
  return { issuer: body.issuer, token_endpoint: body.token_endpoint, jwks_uri: body.jwks_uri };
}

export function requestToken(tokenUrl: string, params: Record<string, string>, options: TransportOptions = {}): Promise<TokenResult> {
  return requestJson(tokenUrl, {
    ...options,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

/** Decodes a token and verifies its signature and issuer against the issuer's JWKS. */
export async function inspectToken(token: string, jwksUrl: string, issuer: string, options: TransportOptions = {}) {
  const header = decodeProtectedHeader(token);
  const payload = decodeJwt(token);
  const jwks = await requestJson(jwksUrl, options);
  if (jwks.status !== 200) throw new Error(`${jwksUrl}: HTTP ${jwks.status}`);
  const { payload: verified } = await jwtVerify(token, createLocalJWKSet(jwks.body as unknown as JSONWebKeySet), { issuer });
  return { header, payload, verified: verified !== undefined };
}

/**
 * The client-credentials grant with private_key_jwt, as the SDKs do it: discovery first, then an assertion whose
 * `aud` is the discovered issuer, posted to the discovered token endpoint.
 */
export async function clientCredentialsToken(
  input: {
    baseUrl: string;
    clientId: string;
    privateKeyPem: string;
    alg: string;
    kid?: string;
    audience: string;
    scope?: string;
  } & TransportOptions,
): Promise<{ discovered: Discovered; response: TokenResult }> {
  const transport = input.ca !== undefined ? { ca: input.ca } : {};
  const discovered = await discover(input.baseUrl, transport);
  const assertion = await clientAssertion({
    clientId: input.clientId,
    privateKeyPem: input.privateKeyPem,
    alg: input.alg,
    audience: discovered.issuer,
    ...(input.kid ? { kid: input.kid } : {}),
  });
  const response = await requestToken(
    discovered.token_endpoint,
    {
      grant_type: "client_credentials",
      client_id: input.clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      audience: input.audience,
      ...(input.scope ? { scope: input.scope } : {}),
    },
    transport,
  );
  return { discovered, response };
}
