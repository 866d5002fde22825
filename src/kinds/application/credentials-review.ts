import { credentialState } from "../../spec/expiry";
import { previousFromSpec } from "../../rotation/fingerprints";
import { checkRotation } from "../../rotation/rules";
import type { CredentialSpec } from "../../spec/credentials";
import { byHand, byStack, type Detector, type Finding, type Rule } from "../vocabulary";

/** An application's credentials' change kinds and their risk. */
export const CREDENTIAL_RISK = {
  "credential.added": byHand(() => "low", "high", "medium"),
  "credential.retired": byHand(byStack("medium", "low"), "high", "medium"),
  // The promotion view: each stack holds its own keys by design; listed for information.
  "credential.stack-specific": () => "info",
  "credential.expiring": () => "medium",
  "credential.method-reverted": byStack("high", "medium"),
  "credential.expiry-changed": byStack("medium", "low"),
  "rotation.unsafe": () => "high",
} as const satisfies Record<string, Rule>;
export type CredentialChange = keyof typeof CREDENTIAL_RISK;

/** "<app>: key <name> expiry: <was> → <now>", for a review and for drift (the tenant's as `now`). */
export const expiryText = (app: string, name: string, was: string | undefined, now: string | undefined) =>
  `${app}: key ${name} expiry: ${was?.slice(0, 10) ?? "never"} → ${now?.slice(0, 10) ?? "never"}`;

const describe = (c: CredentialSpec) =>
  `${c.name} (${c.algorithm}, ${c.key.bits} bits, thumbprint ${c.key.thumbprint}${c.effectiveExpiresAt ? `, expires ${c.effectiveExpiresAt.slice(0, 10)}` : ", no expiry"})`;

/** Keys that come or go (by thumbprint), keys close to expiry, and rotation steps that could lock a client out. */
export const credentialDetector: Detector<CredentialChange> = {
  detect: ({ base, head, now, mode }) => {
    const before = base?.spec.applications ?? {};
    const after = head?.spec.applications ?? {};
    const out: Finding<CredentialChange>[] = [];
    for (const app of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const b = before[app]?.credentials ?? [];
      const a = after[app]?.credentials ?? [];
      if (mode === "compare") {
        // Two stacks side by side: nothing is added or retired, each stack simply holds its own keys.
        for (const c of a.filter((c) => !b.some((x) => x.key.thumbprint === c.key.thumbprint)))
          out.push({
            section: "credentials",
            kind: "credential.stack-specific",
            subject: app,
            text: `${app}: key ${describe(c)} is only in ${head?.stack ?? "this stack"}`,
          });
        for (const c of b.filter((c) => !a.some((x) => x.key.thumbprint === c.key.thumbprint)))
          out.push({
            section: "credentials",
            kind: "credential.stack-specific",
            subject: app,
            text: `${app}: key ${c.name} is only in ${base?.stack ?? "the other stack"}`,
          });
      }
      for (const c of mode === "compare" ? [] : a.filter((c) => !b.some((x) => x.key.thumbprint === c.key.thumbprint))) {
        out.push({ section: "credentials", kind: "credential.added", subject: app, text: `${app}: key ${describe(c)} is added` });
      }
      for (const c of mode === "compare" ? [] : b.filter((c) => !a.some((x) => x.key.thumbprint === c.key.thumbprint))) {
        out.push({
          section: "credentials",
          kind: "credential.retired",
          subject: app,
          text: `${app}: key ${describe(c)} is retired; clients still signing with it stop getting tokens`,
        });
      }
      for (const c of mode === "compare" ? [] : a) {
        const was = b.find((x) => x.key.thumbprint === c.key.thumbprint);
        if (was && was.effectiveExpiresAt !== c.effectiveExpiresAt)
          out.push({
            section: "credentials",
            kind: "credential.expiry-changed",
            subject: app,
            text: expiryText(app, c.name, was.effectiveExpiresAt, c.effectiveExpiresAt),
          });
      }
      // Deleting an app's ClientCredentials while keeping the app returns it to the client secret Auth0 generated
      // for it (the provider's Delete resets token_endpoint_auth_method: internal/auth0/client/resource_credentials.go).
      if (b.length > 0 && a.length === 0 && after[app]) {
        out.push({
          section: "credentials",
          kind: "credential.method-reverted",
          subject: app,
          text: `${app} keeps existing but loses every key: it falls back to client_secret_post with the secret Auth0 generated for it`,
        });
      }
      const window = head?.spec.credentialExpiryWarningDays ?? 30;
      for (const c of a) {
        const { state, daysLeft } = credentialState(c.effectiveExpiresAt, now, window);
        if (state === "expiring")
          out.push({
            section: "credentials",
            kind: "credential.expiring",
            subject: app,
            text: `${app}: key ${c.name} expires in ${daysLeft} days (${c.effectiveExpiresAt})`,
          });
      }
    }
    if (base && head && mode !== "compare") {
      for (const issue of checkRotation(previousFromSpec(base.spec), head.spec, now)) {
        out.push({
          section: "credentials",
          kind: "rotation.unsafe",
          subject: issue.path.split(".")[1] ?? issue.path,
          text: `unsafe rotation at ${issue.path}: ${issue.message}`,
        });
      }
    }
    return out;
  },
};
