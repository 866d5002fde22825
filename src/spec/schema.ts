import { z } from "zod";
import { excerpt } from "../excerpt";

/**
 * The field rules several kinds share (keys, scope names, lifetimes, display names). Each kind's entry schema is in
 * src/kinds/<kind>/spec.ts; the envelope that holds them in src/tenant/load.ts.
 */

export const KEY_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const keyRule = "lower-case letters, digits and dashes, starting with a letter, at most 63 characters";
export const resourceKey = z.string().regex(KEY_PATTERN, { error: `invalid key (allowed: ${keyRule})` });

/** RFC 6749 scope-token characters; Auth0 also caps a scope value at 280 characters. */
export const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]{1,280}$/;
export const scopeName = z.string().regex(SCOPE_PATTERN, {
  error: "invalid scope name (allowed: 1 to 280 printable ASCII characters without spaces, quotes or backslashes)",
});

export const API_SIGNING_ALGS = ["RS256", "PS256"] as const;
export { CREDENTIAL_ALGORITHMS as CREDENTIAL_ALGS } from "../algorithms";
export { DEFAULT_TOKEN_LIFETIME, DEFAULT_TOKEN_LIFETIME_FOR_WEB, TOKEN_LIFETIME } from "./token-lifetimes";
import { TOKEN_LIFETIME } from "./token-lifetimes";

export const seconds = (what: string) =>
  z
    .number({ error: "must be a whole number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(TOKEN_LIFETIME.min, { error: `${what} must be at least ${TOKEN_LIFETIME.min} seconds` })
    .max(TOKEN_LIFETIME.max, { error: `${what} must be at most ${TOKEN_LIFETIME.max} seconds (30 days)` });

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (i) => `${excerpt(JSON.stringify(i.input))} is not allowed (allowed: ${values.join(", ")})` });

export const displayName = z.string().trim().min(1, { error: "must not be empty" }).max(128, { error: "at most 128 characters" });

export type { CredentialAlgorithm } from "../algorithms";
