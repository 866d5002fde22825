import type { ActionSpec, ClaimSpec } from "../specs";
import { byHand, byStack, type Detector, type Finding, type Rule } from "../vocabulary";

/** An action's change kinds (its code, secrets, runtime, and the claims and deny rule it declares) and their risk. */
export const ACTION_RISK = {
  "action.added": byStack("high", "medium"),
  "action.removed": byStack("high", "medium"),
  "action.code-changed": byStack("high", "medium"),
  "action.deny-changed": byStack("high", "medium"),
  "action.secrets-changed": byHand(() => "low", "medium", "low"),
  "action.runtime-changed": byStack("medium", "low"),
  // Edits saved in the dashboard but not deployed: nothing runs them; pulumi up overwrites them.
  "action.undeployed-edit": byStack("medium", "low"),
  // An action bound to no trigger never runs.
  "action.unbound": () => "low",
  "claim.added": () => "medium",
  "claim.removed": () => "medium",
  "claim.changed": () => "medium",
} as const satisfies Record<string, Rule>;
export type ActionChange = keyof typeof ACTION_RISK;

const claimKey = (c: ClaimSpec, token: string) => `${token}\u0000${c.name}`;
const source = (c: ClaimSpec) => (c.from !== undefined ? c.from : `= ${JSON.stringify(c.value)}`);

function claimFindings(action: string, trigger: string, b: ClaimSpec[], a: ClaimSpec[]): Finding<ActionChange>[] {
  const expand = (cs: ClaimSpec[]) => new Map(cs.flatMap((c) => c.tokens.map((t) => [claimKey(c, t), { c, t }] as const)));
  const was = expand(b);
  const now = expand(a);
  const out: Finding<ActionChange>[] = [];
  for (const [k, { c, t }] of now) {
    const old = was.get(k);
    if (!old)
      out.push({
        section: "actions",
        kind: "claim.added",
        subject: action,
        text: `${trigger}: ${action} adds claim ${c.name} to the ${t} token (from ${source(c)})`,
      });
    else if (source(old.c) !== source(c))
      out.push({
        section: "actions",
        kind: "claim.changed",
        subject: action,
        text: `${trigger}: ${action} claim ${c.name} on the ${t} token now comes from ${source(c)} (was ${source(old.c)})`,
      });
  }
  for (const [k, { c, t }] of was) {
    if (!now.has(k))
      out.push({
        section: "actions",
        kind: "claim.removed",
        subject: action,
        text: `${trigger}: ${action} no longer adds claim ${c.name} to the ${t} token`,
      });
  }
  return out;
}

/** "<action> runtime: <was> → <now>", for a review and for drift (the tenant's as `now`). */
export const runtimeText = (key: string, was: string, now: string) => `${key} runtime: ${was} → ${now}`;

/** Actions added or removed, declared claims, deny rules, secrets (names only), code (bundle hash). */
export const actionDetector: Detector<ActionChange> = {
  detect: ({ base, head, sourceStats }) => {
    const before: Record<string, ActionSpec> = base?.spec.actions ?? {};
    const after: Record<string, ActionSpec> = head?.spec.actions ?? {};
    const bundleOf = (plan: typeof base, key: string) => plan!.model.actions[key]!.bundle;
    const out: Finding<ActionChange>[] = [];
    for (const key of Object.keys(after).sort()) {
      const a = after[key]!;
      const b = before[key];
      if (!b) {
        out.push({ section: "actions", kind: "action.added", subject: key, text: `action ${key} (${a.trigger}, ${a.source}) is added` });
        out.push(...claimFindings(key, a.trigger, [], a.claims));
        continue;
      }
      out.push(...claimFindings(key, a.trigger, b.claims, a.claims));
      if (JSON.stringify(b.deny ?? null) !== JSON.stringify(a.deny ?? null)) {
        out.push({
          section: "actions",
          kind: "action.deny-changed",
          subject: key,
          text: a.deny
            ? `${key} now denies when ${a.deny.when} = ${a.deny.equals} (${a.deny.code}: ${a.deny.reason})`
            : `${key} no longer denies anyone`,
        });
      }
      const bs = b.secrets
        .map((s) => s.name)
        .sort()
        .join(", ");
      const as = a.secrets
        .map((s) => s.name)
        .sort()
        .join(", ");
      if (bs !== as)
        out.push({
          section: "actions",
          kind: "action.secrets-changed",
          subject: key,
          text: `${key} secrets: ${bs || "none"} → ${as || "none"} (values are never shown)`,
        });
      if (b.runtime !== a.runtime)
        out.push({ section: "actions", kind: "action.runtime-changed", subject: key, text: runtimeText(key, b.runtime, a.runtime) });
      const bb = bundleOf(base, key);
      const ab = bundleOf(head, key);
      if (bb.sha256 !== ab.sha256) {
        const stats = [...sourceStats.entries()]
          .filter(([f]) => f.startsWith("actions/"))
          .map(([f, s]) => `${f} +${s.added} -${s.removed}`);
        out.push({
          section: "actions",
          kind: "action.code-changed",
          subject: key,
          text: `${key} code changes: bundle ${bb.sha256.slice(0, 12)} → ${ab.sha256.slice(0, 12)} (${bb.bytes} → ${ab.bytes} bytes)`,
          ...(stats.length ? { details: stats } : {}),
        });
      }
    }
    for (const key of Object.keys(before).sort()) {
      if (!after[key]) {
        out.push({ section: "actions", kind: "action.removed", subject: key, text: `action ${key} (${before[key]!.trigger}) is removed` });
        out.push(...claimFindings(key, before[key]!.trigger, before[key]!.claims, []));
      }
    }
    return out;
  },
};
