import { formatPath, type SpecIssue } from "../spec/issues";
import type { TenantSpec } from "../kinds/specs";
import { credentialState } from "../spec/expiry";
import type { PreviousCredentials } from "./fingerprints";

/**
 * Rotation safety: compares the desired credentials of every application with what was deployed (or with the base
 * revision, in review) so that no single step can lock a client out or leave a change the provider never applies:
 * - at least one still-valid previous key survives each step (a swap of every key at once is refused);
 * - with both slots in use, a step may not add and retire at once: at Auth0's 2-credential cap the provider removes
 *   the retired key before it uploads the new one (terraform-provider-auth0 v1.53.0
 *   internal/auth0/client/resource_credentials.go, planCredentialRotation), so the step is not atomic;
 * - a credential name keeps its key and algorithm: a new key gets a new name;
 * - a deployed key keeps its name: the provider matches credentials by PEM and algorithm and never sends a name
 *   (same file, classifyCredentialChanges), so a rename is never applied and shows as a change on every preview;
 * - a deployed key keeps an expiry once it has one: the bridge plans the credential set with ProposedNew, so an
 *   expires_at left out keeps the stored one (pulumi-terraform-bridge pkg/vendored/opentofu/plans/objchange/objchange.go,
 *   proposedNewNestingSet), and the provider only ever sets an expiry (classifyCredentialChanges sends one only when
 *   the config has a different value; the schema says it cannot go back to never). The spec would say "never expires"
 *   while Auth0 keeps the date.
 * Applications that are new, or whose previous keys have all expired, have nothing left to protect.
 */
export function checkRotation(previous: PreviousCredentials, desired: TenantSpec, now: Date): SpecIssue[] {
  const errors: SpecIssue[] = [];
  for (const app of Object.values(desired.applications)) {
    const before = Object.hasOwn(previous, app.key) ? previous[app.key] : undefined;
    const after = app.credentials ?? [];
    if (!before || before.length === 0 || after.length === 0) continue;
    const path = formatPath(["applications", app.key, "credentials"]);
    const beforeByThumb = new Set(before.map((c) => c.thumbprint));
    const afterByThumb = new Set(after.map((c) => c.key.thumbprint));
    const errorsBefore = errors.length;

    after.forEach((c, i) => {
      const at = formatPath(["applications", app.key, "credentials", i]);
      const sameName = before.find((p) => p.name === c.name);
      const sameKey = before.find((p) => p.thumbprint === c.key.thumbprint);
      if (sameName && sameName.thumbprint !== c.key.thumbprint) {
        errors.push({
          path: `${at}.publicKey`,
          code: "rotation_key_changed",
          message: `credential ${c.name} keeps its name but its key changed (thumbprint ${sameName.thumbprint} → ${c.key.thumbprint}); a key is replaced under a new name, never edited in place (add the new key as a new credential, deploy, then retire ${c.name})`,
        });
      } else if (sameKey && sameKey.name !== c.name) {
        errors.push({
          path: `${at}.name`,
          code: "rotation_renamed",
          message: `the deployed key ${sameKey.name} (thumbprint ${c.key.thumbprint}) is renamed to ${c.name}: the provider matches credentials by key and never sends a name, so the rename would never be applied and every preview would show it again (keep the name ${sameKey.name})`,
        });
      } else if (sameKey && sameKey.expiresAt != null && c.effectiveExpiresAt == null) {
        errors.push({
          path: `${at}.expiresAt`,
          code: "rotation_expiry_cleared",
          message: `the deployed key ${c.name} expires on ${sameKey.expiresAt}; removing expiresAt would change nothing in Auth0 (an expiry can be moved, never removed), so the spec would say "never expires" while the key still expires. Rotate instead: \`npx auth0-tenant keys rotate ${app.key}\` adds a new key without an expiry, deploy, move the workload to it, then retire ${c.name}`,
        });
      } else if (sameKey?.algorithm !== undefined && sameKey.algorithm !== c.algorithm) {
        errors.push({
          path: `${at}.algorithm`,
          code: "rotation_key_changed",
          message: `the deployed key ${c.name} changes algorithm ${sameKey.algorithm} → ${c.algorithm}: clients signing with ${sameKey.algorithm} would be refused at once (add the key again under a new name with the new algorithm, move the workload, then retire ${c.name})`,
        });
      }
    });
    if (errors.length > errorsBefore) continue;

    const stillValid = before.filter((p) => credentialState(p.expiresAt ?? undefined, now, 0).state !== "expired");
    const survivors = stillValid.filter((p) => afterByThumb.has(p.thumbprint));
    if (stillValid.length > 0 && survivors.length === 0) {
      errors.push({
        path,
        code: "rotation_swap",
        message: `replaces every credential at once (deployed: ${before.map((p) => p.name).join(", ")}; desired: ${after.map((c) => c.name).join(", ")}): clients still using a deployed key would be locked out. Keep at least one deployed key in this step: add the new key, deploy, move the workload, then retire the old one`,
      });
      continue;
    }
    const added = after.filter((c) => !beforeByThumb.has(c.key.thumbprint));
    const retired = before.filter((p) => !afterByThumb.has(p.thumbprint));
    if (before.length >= 2 && added.length > 0 && retired.length > 0) {
      const gone = retired.map((p) => p.name).join(", ");
      errors.push({
        path,
        code: "rotation_add_and_retire",
        message: `adds ${added.map((c) => c.name).join(", ")} and retires ${gone} in one step while both credential slots are in use: at Auth0's limit of 2 the provider deletes ${gone} before it uploads the new key, so if the upload fails the app is left with one key and a half-applied step. Retire ${gone} first, deploy, then add the new key`,
      });
    }
  }
  return errors;
}
