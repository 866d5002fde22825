import { formatPath, type SpecIssue } from "./issues";
import type { CredentialSpec } from "./credentials";

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
export const DAY_MS = 86_400_000;

export type CredentialState = "active" | "expiring" | "expired";

/** Whole days from `now` until `expiresAt` (negative once past); null for a credential that never expires. */
export function daysLeft(expiresAt: string | null | undefined, now: Date): number | null {
  return expiresAt == null ? null : Math.floor((Date.parse(expiresAt) - now.getTime()) / DAY_MS);
}

export function credentialState(
  expiresAt: string | null | undefined,
  now: Date,
  windowDays: number,
): { state: CredentialState; daysLeft: number | null } {
  if (expiresAt == null) return { state: "active", daysLeft: null };
  const ms = Date.parse(expiresAt) - now.getTime();
  return { state: ms <= 0 ? "expired" : ms <= windowDays * DAY_MS ? "expiring" : "active", daysLeft: daysLeft(expiresAt, now) };
}

/** A credential that expires within the window still works, but its rotation should start now. */
export function expiryWarnings(
  applications: Record<string, { key: string; credentials?: CredentialSpec[] }>,
  now: Date,
  windowDays: number,
): SpecIssue[] {
  const warnings: SpecIssue[] = [];
  for (const app of Object.values(applications)) {
    (app.credentials ?? []).forEach((c: CredentialSpec, i) => {
      const { state, daysLeft } = credentialState(c.effectiveExpiresAt, now, windowDays);
      if (state !== "expiring") return;
      const replacement = (app.credentials ?? []).some(
        (o) => o !== c && credentialState(o.effectiveExpiresAt, now, windowDays).state === "active",
      );
      warnings.push({
        path: formatPath(["applications", app.key, "credentials", i]),
        code: "expiring",
        message: `${c.name} expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${c.effectiveExpiresAt}); ${replacement ? "a newer credential is in place: move the workload to it, then `npx auth0-tenant keys retire " + app.key + " " + c.name + "`" : "start a rotation: `npx auth0-tenant keys rotate " + app.key + "`"}`,
      });
    });
  }
  return warnings;
}
