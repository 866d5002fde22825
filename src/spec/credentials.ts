import { z } from "zod";
import { CREDENTIAL_ALGORITHMS as CREDENTIAL_ALGS } from "../algorithms";
import { ProjectFileError, PublicKeyError } from "../errors";
import { formatPath, type PathSegment, type SpecIssue } from "./issues";
import type { PublicKeyInfo } from "./public-key";
import { oneOf } from "./schema";
import { strictObject } from "./strict";
import type { SpecContext } from "./types";

/**
 * A private_key_jwt credential: its entry in the spec, and its key file read and inspected. The rotation rules and the
 * local tenant read credentials too, so they sit here, below the kinds.
 */

export const MAX_CREDENTIALS = 2;

export const credentialSchema = strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    error: "invalid credential name (allowed: letters, digits, '.', '_' and '-', at most 128 characters)",
  }),
  publicKey: z
    .string()
    .regex(/^keys\/[A-Za-z0-9._/-]+\.(pem|crt)$/, {
      error: "must be a path under keys/ ending in .pem or .crt (e.g. keys/billing-2026-q1.pem)",
    })
    .refine((p) => !p.split("/").includes(".."), { error: "must not leave keys/ (no '..')" }),
  algorithm: oneOf(CREDENTIAL_ALGS).default("RS256"),
  expiresAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2027-03-31T00:00:00Z" }).optional(),
  // Auth0 generates the kid (the key's RFC 7638 thumbprint) and the provider cannot set it
  // (terraform-provider-auth0 v1.53.0 internal/auth0/client/resource_credentials_schema.go: key_id is Computed only).
  kid: z
    .unknown()
    .refine(() => false, {
      error:
        "Auth0 sets a credential's kid itself: the key's RFC 7638 thumbprint, which `npx auth0-tenant plan` shows (the provider cannot set another one); remove this field",
    })
    .optional(),
});

export const credentialsSchema = z
  .array(credentialSchema)
  .min(1, { error: "needs at least one credential (a private_key_jwt application cannot authenticate without a key)" })
  .max(MAX_CREDENTIALS, {
    error: `at most ${MAX_CREDENTIALS} credentials per application (Auth0's limit; rotate by adding one, switching clients, then retiring the old one)`,
  });

export type ParsedCredential = z.output<typeof credentialSchema>;

export interface CredentialSpec extends ParsedCredential {
  key: PublicKeyInfo;
  /** True when the expiry comes from the X.509 certificate rather than `expiresAt`. */
  parseExpiryFromCert: boolean;
  /** The effective expiry (explicit `expiresAt`, else the certificate's notAfter), ISO 8601. */
  effectiveExpiresAt?: string;
}

/** A credential's key file: its text, or why it could not be read. */
export type KeyRead = string | SpecIssue;

/**
 * What reading the key file of the credential at `where` gave: its text, or the issue a missing or refused file is;
 * other failures are thrown. (Paths are formatted only for an issue: a tenant reads thousands of keys without one.)
 */
export function keyRead(
  cred: ParsedCredential,
  where: readonly PathSegment[],
  answer: { text: string | undefined } | { error: unknown },
): KeyRead {
  if ("error" in answer) {
    if (!(answer.error instanceof ProjectFileError)) throw answer.error;
    return { path: `${formatPath(where)}.publicKey`, code: "file_unreadable", message: answer.error.message };
  }
  if (answer.text === undefined) {
    return {
      path: `${formatPath(where)}.publicKey`,
      code: "file_not_found",
      message: `file ${cred.publicKey} not found (public keys live in keys/; create one with \`npx auth0-tenant keys new <app>\`)`,
    };
  }
  return answer.text;
}

/** `inspected` answers, in order, for each credential whose key file was read. */
export function resolveCredentials(
  credentials: ParsedCredential[],
  base: PathSegment[],
  ctx: SpecContext,
  errors: SpecIssue[],
  reads: KeyRead[],
  inspected: () => PublicKeyInfo | PublicKeyError,
): CredentialSpec[] | undefined {
  const names = new Map<string, number>();
  for (const [i, cred] of credentials.entries()) {
    const at = (...rest: PathSegment[]) => formatPath([...base, i, ...rest]);
    const sameName = names.get(cred.name);
    if (sameName !== undefined)
      errors.push({
        path: at("name"),
        code: "duplicate",
        message: `duplicate credential name "${cred.name}" (also used by credentials[${sameName}]; names must be unique per application)`,
      });
    names.set(cred.name, i);
    if (cred.expiresAt !== undefined && Date.parse(cred.expiresAt) <= ctx.now.getTime()) {
      errors.push({
        path: at("expiresAt"),
        code: "expired",
        message: `${cred.expiresAt} is in the past (an expired credential cannot authenticate; retire it or set a future date)`,
      });
    }
  }
  const resolved = credentials.map((cred, i) => {
    const read = reads[i]!;
    if (typeof read !== "string") return void errors.push(read);
    return resolveKey(cred, [...base, i], ctx, errors, inspected());
  });
  return resolved.every((c) => c !== undefined) ? resolved : undefined;
}

function resolveKey(
  cred: ParsedCredential,
  where: readonly PathSegment[],
  ctx: SpecContext,
  errors: SpecIssue[],
  key: PublicKeyInfo | PublicKeyError,
): CredentialSpec | undefined {
  const at = () => formatPath(where);
  if (key instanceof PublicKeyError) {
    errors.push({ path: `${at()}.publicKey`, code: "invalid_public_key", message: `${cred.publicKey} ${key.message}` });
    return undefined;
  }
  const notAfter = key.certificateNotAfter;
  if (notAfter && notAfter.getTime() <= ctx.now.getTime()) {
    errors.push({
      path: `${at()}.publicKey`,
      code: "expired",
      message: `certificate in ${cred.publicKey} expired on ${notAfter.toISOString()} (use a certificate that is still valid)`,
    });
  }
  if (notAfter && cred.expiresAt !== undefined && Date.parse(cred.expiresAt) > notAfter.getTime()) {
    errors.push({
      path: `${at()}.expiresAt`,
      code: "after_certificate_expiry",
      message: `${cred.expiresAt} is after the certificate's own expiry ${notAfter.toISOString()} (allowed: on or before it)`,
    });
  }
  const parseExpiryFromCert = key.format === "x509" && cred.expiresAt === undefined;
  const effectiveExpiresAt = cred.expiresAt ?? (parseExpiryFromCert ? notAfter?.toISOString() : undefined);
  return { key, ...cred, parseExpiryFromCert, ...(effectiveExpiresAt ? { effectiveExpiresAt } : {}) };
}
