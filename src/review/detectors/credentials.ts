import { credentialState } from "../../rotation/expiry";
import { checkRotation, type PreviousCredentials } from "../../rotation/rules";
import type { CredentialSpec } from "../../spec";
import type { Detector, Finding } from "../changes";

const describe = (c: CredentialSpec) =>
  `${c.name} (${c.algorithm}, ${c.key.bits} bits, thumbprint ${c.key.thumbprint}${c.effectiveExpiresAt ? `, expires ${c.effectiveExpiresAt.slice(0, 10)}` : ", no expiry"})`;

/** Keys that come or go (by thumbprint), keys close to expiry, and rotation steps that could lock a client out. */
export const credentials: Detector = ({ base, head, now }) => {
  const before = base?.spec.applications ?? {};
  const after = head?.spec.applications ?? {};
  const out: Finding[] = [];
  for (const app of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const b = before[app]?.credentials ?? [];
    const a = after[app]?.credentials ?? [];
    for (const c of a.filter((c) => !b.some((x) => x.key.thumbprint === c.key.thumbprint))) {
      out.push({ section: "credentials", kind: "credential.added", subject: app, text: `${app}: key ${describe(c)} is added` });
    }
    for (const c of b.filter((c) => !a.some((x) => x.key.thumbprint === c.key.thumbprint))) {
      out.push({
        section: "credentials",
        kind: "credential.retired",
        subject: app,
        text: `${app}: key ${describe(c)} is retired; clients still signing with it stop getting tokens`,
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
  if (base && head) {
    const previous: PreviousCredentials = Object.fromEntries(
      Object.values(base.spec.applications).map((app) => [
        app.key,
        (app.credentials ?? []).map((c) => ({ name: c.name, thumbprint: c.key.thumbprint, expiresAt: c.effectiveExpiresAt ?? null })),
      ]),
    );
    for (const issue of checkRotation(previous, head.spec, now)) {
      out.push({
        section: "credentials",
        kind: "rotation.unsafe",
        subject: issue.path.split(".")[1] ?? issue.path,
        text: `unsafe rotation at ${issue.path}: ${issue.message}`,
      });
    }
  }
  return out;
};
