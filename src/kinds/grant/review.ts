import { grantsOf as grantsOfApp } from "../application/spec";
import { type ApplicationSpec } from "../specs";
import { byHand, byStack, scopeGained, type Detector, type Finding, type Rule } from "../vocabulary";

/** A grant's change kinds and their risk: access (a grant) given or taken by hand is in effect now. */
export const GRANT_RISK = {
  "grant.scope-gained": byHand(scopeGained, "high", "medium"),
  "grant.scope-lost": byHand(byStack("medium", "low"), "high", "medium"),
} as const satisfies Record<`grant.${string}`, Rule>;
export type GrantChange = keyof typeof GRANT_RISK;

const grantsOf = (app: ApplicationSpec | undefined): Readonly<Record<string, string[]>> => (app ? grantsOfApp(app) : {});

/** Who gains or loses which scope on which API. */
export const grantDetector: Detector<GrantChange> = {
  detect: ({ base, head }) => {
    const before = base?.spec.applications ?? {};
    const after = head?.spec.applications ?? {};
    const out: Finding<GrantChange>[] = [];
    for (const app of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const b = grantsOf(before[app]);
      const a = grantsOf(after[app]);
      for (const api of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
        const was = new Set(b[api] ?? []);
        const now = new Set(a[api] ?? []);
        for (const scope of [...now].filter((s) => !was.has(s))) {
          out.push({ section: "grants", kind: "grant.scope-gained", subject: app, scope, text: `${app} gains ${scope} on ${api}` });
        }
        for (const scope of [...was].filter((s) => !now.has(s))) {
          out.push({ section: "grants", kind: "grant.scope-lost", subject: app, scope, text: `${app} loses ${scope} on ${api}` });
        }
        if (a[api] && !b[api] && a[api]!.length === 0)
          out.push({
            section: "grants",
            kind: "grant.scope-gained",
            subject: app,
            text: `${app} may now get tokens for ${api} (a grant with no scopes)`,
          });
      }
    }
    return out;
  },
};
