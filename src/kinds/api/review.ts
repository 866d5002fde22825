import { grantsOf } from "../application/spec";
import { type TenantSpec } from "../specs";
import { byHand, byStack, type Detector, type Finding, type Rule } from "../vocabulary";
import { API_SETTING_NAMES } from "./fields";

/** An API's change kinds and their risk. */
export const API_RISK = {
  "api.added": byHand(() => "low", "medium", "low"),
  "api.removed": byStack("high", "medium"),
  "api.identifier-changed": () => "high",
  "api.setting-changed": byStack("medium", "low"),
  "api.scope-added": () => "low",
  "api.scope-removed": byHand(byStack("medium", "low"), "high", "medium"),
} as const satisfies Record<`api.${string}`, Rule>;
export type ApiChange = keyof typeof API_RISK;

function grantedTo(spec: TenantSpec | undefined, api: string, scope?: string): string[] {
  return Object.values(spec?.applications ?? {})
    .filter((a) => grantsOf(a)[api] !== undefined && (scope === undefined || grantsOf(a)[api]!.includes(scope)))
    .map((a) => a.key);
}

/** APIs and their scopes added or removed (with the grants that relied on them), identifier and setting changes. */
export const apiDetector: Detector<ApiChange> = {
  detect: ({ base, head }) => {
    const before = base?.spec.apis ?? {};
    const after = head?.spec.apis ?? {};
    const out: Finding<ApiChange>[] = [];
    for (const key of Object.keys(after)) {
      const a = after[key]!;
      const b = before[key];
      if (!b) {
        out.push({
          section: "apis",
          kind: "api.added",
          subject: key,
          text: `API ${key} (${a.identifier}) is added with scopes ${Object.keys(a.scopes).join(", ") || "(none)"}`,
        });
        continue;
      }
      if (b.identifier !== a.identifier) {
        out.push({
          section: "apis",
          kind: "api.identifier-changed",
          subject: key,
          text: `API ${key} changes identifier ${b.identifier} → ${a.identifier}: the API is replaced and every token audience changes`,
        });
      }
      for (const scope of Object.keys(a.scopes).filter((s) => !(s in b.scopes)))
        out.push({ section: "apis", kind: "api.scope-added", subject: key, scope, text: `API ${key} gains scope ${scope}` });
      for (const scope of Object.keys(b.scopes).filter((s) => !(s in a.scopes))) {
        const users = grantedTo(base?.spec, key, scope);
        out.push({
          section: "apis",
          kind: "api.scope-removed",
          subject: key,
          scope,
          text: `API ${key} loses scope ${scope}${users.length ? ` (was granted to ${users.join(", ")})` : ""}`,
        });
      }
      for (const s of API_SETTING_NAMES) {
        if (b[s] !== a[s])
          out.push({
            section: "apis",
            kind: "api.setting-changed",
            subject: key,
            text: `API ${key} ${s}: ${String(b[s])} → ${String(a[s])}`,
          });
      }
    }
    for (const key of Object.keys(before)) {
      if (after[key]) continue;
      const users = grantedTo(base?.spec, key);
      out.push({
        section: "apis",
        kind: "api.removed",
        subject: key,
        text: `API ${key} (${before[key]!.identifier}) is removed${users.length ? `; grants of ${users.join(", ")} go with it` : ""}`,
      });
    }
    return out;
  },
};
