import { formatPath, type SpecIssue } from "../spec/issues";
import type { TenantSpec } from "../spec/types";
import { credentialState } from "./expiry";

/** What was deployed last, per application: the same shape as the stack output `applications.<app>.credentials`. */
export type PreviousCredentials = Record<string, { name: string; thumbprint: string; expiresAt?: string | null }[]>;

/**
 * Rotation safety: compares the desired credentials of every application with what was deployed (or with the base
 * revision, in review) so that no single step can lock a client out:
 * - at least one still-valid previous key survives each step (a swap of every key at once is refused);
 * - with both slots in use, a step may not add and retire at once (Auth0 would need a third slot);
 * - a credential name keeps its key: a new key gets a new name.
 * Applications that are new, or whose previous keys have all expired, have nothing left to protect.
 */
export function checkRotation(previous: PreviousCredentials, desired: TenantSpec, now: Date): SpecIssue[] {
  const errors: SpecIssue[] = [];
  for (const app of Object.values(desired.applications)) {
    const before = previous[app.key];
    const after = app.credentials ?? [];
    if (!before || before.length === 0 || after.length === 0) continue;
    const path = formatPath(["applications", app.key, "credentials"]);
    const beforeByThumb = new Set(before.map((c) => c.thumbprint));
    const afterByThumb = new Set(after.map((c) => c.key.thumbprint));

    after.forEach((c, i) => {
      const sameName = before.find((p) => p.name === c.name);
      if (sameName && sameName.thumbprint !== c.key.thumbprint) {
        errors.push({
          path: formatPath(["applications", app.key, "credentials", i, "publicKey"]),
          message: `credential ${c.name} keeps its name but its key changed (thumbprint ${sameName.thumbprint} → ${c.key.thumbprint}); a key is replaced under a new name, never edited in place (add the new key as a new credential, deploy, then retire ${c.name})`,
        });
      }
    });

    const stillValid = before.filter((p) => credentialState(p.expiresAt ?? undefined, now, 0).state !== "expired");
    const survivors = stillValid.filter((p) => afterByThumb.has(p.thumbprint));
    if (stillValid.length > 0 && survivors.length === 0) {
      errors.push({
        path,
        message: `replaces every credential at once (deployed: ${before.map((p) => p.name).join(", ")}; desired: ${after.map((c) => c.name).join(", ")}): clients still using a deployed key would be locked out. Keep at least one deployed key in this step: add the new key, deploy, move the workload, then retire the old one`,
      });
      continue;
    }
    const added = after.filter((c) => !beforeByThumb.has(c.key.thumbprint));
    const retired = before.filter((p) => !afterByThumb.has(p.thumbprint));
    if (before.length >= 2 && added.length > 0 && retired.length > 0) {
      errors.push({
        path,
        message: `adds ${added.map((c) => c.name).join(", ")} and retires ${retired.map((p) => p.name).join(", ")} in one step while both slots are in use: Auth0 holds at most 2 credentials, so this would need a third slot. Retire ${retired.map((p) => p.name).join(", ")} first, deploy, then add the new key`,
      });
    }
  }
  return errors;
}

/** Reads previous credentials from `pulumi stack output --json` (or the program's own last outputs). */
export function previousFromOutputs(outputs: unknown): PreviousCredentials {
  const apps = (outputs as { applications?: unknown } | undefined)?.applications;
  if (typeof apps !== "object" || apps === null) return {};
  const previous: PreviousCredentials = {};
  for (const [key, value] of Object.entries(apps as Record<string, unknown>)) {
    const creds = (value as { credentials?: unknown }).credentials;
    if (!Array.isArray(creds)) continue;
    previous[key] = creds
      .filter(
        (c): c is { name: string; thumbprint: string; expiresAt?: string | null } =>
          typeof c?.name === "string" && typeof c?.thumbprint === "string",
      )
      .map((c) => ({ name: c.name, thumbprint: c.thumbprint, expiresAt: c.expiresAt ?? null }));
  }
  return previous;
}
