import { RESOURCE_TYPES } from "../../model";
import type { Detector, Finding } from "../changes";
import { grantsOf, type TenantSpec } from "../../spec";

function grantedTo(spec: TenantSpec | undefined, api: string, scope?: string): string[] {
  return Object.values(spec?.applications ?? {})
    .filter((a) => grantsOf(a)[api] !== undefined && (scope === undefined || grantsOf(a)[api]!.includes(scope)))
    .map((a) => a.key);
}

const SETTINGS = [
  "tokenLifetime",
  "tokenLifetimeForWeb",
  "signingAlg",
  "allowOfflineAccess",
  "skipConsentForVerifiableFirstPartyClients",
  "name",
] as const;

/** APIs and their scopes added or removed (with the grants that relied on them), identifier and setting changes. */
export const apis: Detector = {
  covers: [RESOURCE_TYPES.ResourceServer, RESOURCE_TYPES.ResourceServerScopes],
  detect: ({ base, head }) => {
    const before = base?.spec.apis ?? {};
    const after = head?.spec.apis ?? {};
    const out: Finding[] = [];
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
      for (const s of SETTINGS) {
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
