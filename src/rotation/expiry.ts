import { formatPath, type SpecIssue } from "../spec/issues";
import type { ApplicationSpec, CredentialSpec } from "../spec/types";

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export type CredentialState = "active" | "expiring" | "expired";

export function credentialState(
  expiresAt: string | undefined,
  now: Date,
  windowDays: number,
): { state: CredentialState; daysLeft: number | null } {
  if (expiresAt === undefined) return { state: "active", daysLeft: null };
  const ms = Date.parse(expiresAt) - now.getTime();
  const daysLeft = Math.floor(ms / DAY_MS);
  return { state: ms <= 0 ? "expired" : ms <= windowDays * DAY_MS ? "expiring" : "active", daysLeft };
}

/** A credential that expires within the window still works, but its rotation should start now. */
export function expiryWarnings(applications: Record<string, ApplicationSpec>, now: Date, windowDays: number): SpecIssue[] {
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
        message: `${c.name} expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"} (${c.effectiveExpiresAt}); ${replacement ? "a newer credential is in place: move the workload to it, then `npm run keys -- retire " + app.key + " " + c.name + "`" : "start a rotation: `npm run keys -- rotate " + app.key + "`"}`,
      });
    });
  }
  return warnings;
}
