import type { RoleSpec } from "../specs";
import { byHand, byStack, scopeGained, type Detector, type Finding, type Rule } from "../vocabulary";
import { ROLE_FIELDS } from "./fields";

/**
 * A role's change kinds and their risk. A permission gained widens what every user holding the role may do: high in
 * production, whatever the scope.
 */
export const ROLE_RISK = {
  "role.added": byStack("medium", "low"),
  "role.removed": byStack("high", "medium"),
  "role.setting-changed": byHand(() => "low", "medium", "low"),
  "role.permission-gained": byHand((f) => (f.production ? "high" : scopeGained(f)), "high", "medium"),
  "role.permission-lost": byHand(byStack("medium", "low"), "high", "medium"),
} as const satisfies Record<`role.${string}`, Rule>;
export type RoleChange = keyof typeof ROLE_RISK;

/** "api scope" pairs of a role's permissions, sorted. */
export const permissionsOf = (role: Pick<RoleSpec, "permissions"> | undefined): string[] =>
  Object.entries(role?.permissions ?? {})
    .flatMap(([api, scopes]) => scopes.map((s) => `${api} ${s}`))
    .sort();

const gained = (key: string, permission: string): Finding<RoleChange> => {
  const [api, scope] = permission.split(" ") as [string, string];
  return { section: "roles", kind: "role.permission-gained", subject: key, scope, text: `role ${key} gains ${scope} on ${api}` };
};

/** Roles added or removed, their name and description, and each permission gained or lost. */
export const roleDetector: Detector<RoleChange> = {
  detect: ({ base, head }) => {
    const before = base?.spec.roles ?? {};
    const after = head?.spec.roles ?? {};
    const out: Finding<RoleChange>[] = [];
    for (const key of Object.keys(after).sort()) {
      const a = after[key]!;
      const b = before[key];
      if (!b) {
        out.push({ section: "roles", kind: "role.added", subject: key, text: `role ${key} ("${a.name}") is added` });
        out.push(...permissionsOf(a).map((p) => gained(key, p)));
        continue;
      }
      for (const field of ROLE_FIELDS)
        if ((b[field] ?? "") !== (a[field] ?? ""))
          out.push({
            section: "roles",
            kind: "role.setting-changed",
            subject: key,
            text: `role ${key} ${field}: ${JSON.stringify(b[field] ?? "")} → ${JSON.stringify(a[field] ?? "")}`,
          });
      const was = permissionsOf(b);
      const now = permissionsOf(a);
      out.push(...now.filter((p) => !was.includes(p)).map((p) => gained(key, p)));
      for (const p of was.filter((p) => !now.includes(p))) {
        const [api, scope] = p.split(" ") as [string, string];
        out.push({ section: "roles", kind: "role.permission-lost", subject: key, scope, text: `role ${key} loses ${scope} on ${api}` });
      }
    }
    for (const key of Object.keys(before).sort())
      if (!after[key])
        out.push({
          section: "roles",
          kind: "role.removed",
          subject: key,
          text: `role ${key} ("${before[key]!.name}") is removed: its users lose ${permissionsOf(before[key]).length} permission(s)`,
        });
    return out;
  },
};
