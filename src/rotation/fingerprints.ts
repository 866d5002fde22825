import { dict } from "../dict";
import type { CredentialSpec } from "../spec/credentials";
import type { TenantSpec } from "../kinds/specs";

/**
 * Auth0 never returns key material, so a credential is identified by facts we keep ourselves: its RFC 7638
 * thumbprint, algorithm, size and expiry. Stack outputs, the rotation guard, the review and the key tool all use
 * these shapes.
 */
export interface CredentialFingerprint {
  name: string;
  algorithm: string;
  bits: number;
  thumbprint: string;
  expiresAt: string | null;
}

/** What a rotation step is checked against, per application: the credentials deployed (or in the base revision). */
export interface PreviousCredential {
  name: string;
  thumbprint: string;
  expiresAt?: string | null;
  /** Known when the source records it (stack outputs and specs do). */
  algorithm?: string;
}
export type PreviousCredentials = Record<string, PreviousCredential[]>;

export const fingerprintOf = (c: CredentialSpec): CredentialFingerprint => ({
  name: c.name,
  algorithm: c.algorithm,
  bits: c.key.bits,
  thumbprint: c.key.thumbprint,
  expiresAt: c.effectiveExpiresAt ?? null,
});

/** The credentials of every application of a spec, as a later step would see them deployed. */
export function previousFromSpec(spec: TenantSpec): PreviousCredentials {
  return dict(
    Object.values(spec.applications).map((app) => [
      app.key,
      (app.credentials ?? []).map((c) => ({
        name: c.name,
        thumbprint: c.key.thumbprint,
        expiresAt: c.effectiveExpiresAt ?? null,
        algorithm: c.algorithm,
      })),
    ]),
  );
}

/** Reads previous credentials from stack outputs (`pulumi stack output --json`, or the program's own last outputs). */
export function previousFromOutputs(outputs: unknown): PreviousCredentials {
  const apps = (outputs as { applications?: unknown } | undefined)?.applications;
  if (typeof apps !== "object" || apps === null) return {};
  const previous: PreviousCredentials = dict();
  for (const [key, value] of Object.entries(apps as Record<string, unknown>)) {
    const creds = (value as { credentials?: unknown } | null)?.credentials;
    if (!Array.isArray(creds)) continue;
    previous[key] = creds
      .filter((c): c is PreviousCredential => typeof c?.name === "string" && typeof c?.thumbprint === "string")
      .map((c) => ({
        name: c.name,
        thumbprint: c.thumbprint,
        expiresAt: c.expiresAt ?? null,
        ...(typeof c.algorithm === "string" ? { algorithm: c.algorithm } : {}),
      }));
  }
  return previous;
}
