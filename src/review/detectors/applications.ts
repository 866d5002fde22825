import { RESOURCE_TYPES } from "../../model";
import type { Detector, Finding } from "../changes";

/** Applications added, removed, retyped, and metadata edits (metadata feeds claims). */
export const applications: Detector = {
  covers: [RESOURCE_TYPES.Client],
  detect: ({ base, head }) => {
    const before = base?.spec.applications ?? {};
    const after = head?.spec.applications ?? {};
    const out: Finding[] = [];
    for (const key of Object.keys(after)) {
      const a = after[key]!;
      const b = before[key];
      if (!b) {
        out.push({
          section: "applications",
          kind: "app.added",
          subject: key,
          text: `application ${key} (${a.type}, "${a.name}") is added`,
        });
        continue;
      }
      if (b.type !== a.type)
        out.push({
          section: "applications",
          kind: "app.type-changed",
          subject: key,
          text: `application ${key} changes type ${b.type} → ${a.type}: its component type changes, so Pulumi replaces the Auth0 client (a new client_id; its callers, keys and grants must follow)`,
        });
      const keys = [...new Set([...Object.keys(b.metadata), ...Object.keys(a.metadata)])].sort();
      for (const m of keys) {
        const was = b.metadata[m];
        const now = a.metadata[m];
        if (was === now) continue;
        const text =
          was === undefined
            ? `${key} metadata ${m} is set to "${now}"`
            : now === undefined
              ? `${key} metadata ${m} ("${was}") is removed`
              : `${key} metadata ${m}: "${was}" → "${now}"`;
        out.push({ section: "applications", kind: "app.metadata-changed", subject: key, text });
      }
    }
    for (const key of Object.keys(before)) {
      if (!after[key])
        out.push({
          section: "applications",
          kind: "app.removed",
          subject: key,
          text: `application ${key} (${before[key]!.type}) is removed: its clients lose access`,
        });
    }
    return out;
  },
};
