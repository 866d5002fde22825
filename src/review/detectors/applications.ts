import { assertNever } from "../../errors";
import { RESOURCE_TYPES } from "../../model";
import type { ApplicationSpec } from "../../spec";
import type { Detector, Finding } from "../changes";

/** The URLs Auth0 sends an application's users to (and accepts requests from), by the spec's field. */
const URL_FIELDS = { callbacks: "callback", allowedLogoutUrls: "logout URL", webOrigins: "web origin" } as const;

export type AppUrls = Record<keyof typeof URL_FIELDS, string[]>;

/** "<app> gains callback <url>" / "loses …": one finding per URL, for a review and for drift (the tenant as `after`). */
export function urlFindings(key: string, before: AppUrls, after: AppUrls): Finding[] {
  const out: Finding[] = [];
  for (const field of Object.keys(URL_FIELDS) as (keyof typeof URL_FIELDS)[]) {
    for (const url of after[field].filter((u) => !before[field].includes(u)))
      out.push({ section: "applications", kind: "app.url-added", subject: key, text: `${key} gains ${URL_FIELDS[field]} ${url}` });
    for (const url of before[field].filter((u) => !after[field].includes(u)))
      out.push({ section: "applications", kind: "app.url-removed", subject: key, text: `${key} loses ${URL_FIELDS[field]} ${url}` });
  }
  return out;
}

/** One finding per metadata key set, removed or changed (metadata feeds claims), for a review and for drift. */
export function metadataFindings(key: string, before: Record<string, string>, after: Record<string, string | undefined>): Finding[] {
  const out: Finding[] = [];
  for (const m of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const was = before[m];
    const now = after[m];
    if (was === now) continue;
    const text =
      was === undefined
        ? `${key} metadata ${m} is set to "${now}"`
        : now === undefined
          ? `${key} metadata ${m} ("${was}") is removed`
          : `${key} metadata ${m}: "${was}" → "${now}"`;
    out.push({ section: "applications", kind: "app.metadata-changed", subject: key, text });
  }
  return out;
}

export function urlsOf(app: ApplicationSpec): Record<keyof typeof URL_FIELDS, string[]> {
  switch (app.type) {
    case "m2m":
      return { callbacks: [], allowedLogoutUrls: [], webOrigins: [] };
    case "regular_web":
      return { callbacks: app.callbacks, allowedLogoutUrls: app.allowedLogoutUrls, webOrigins: app.webOrigins };
    default:
      return assertNever(app, "application type");
  }
}

/** Applications added, removed, retyped, their URLs, name and description, and metadata edits (metadata feeds claims). */
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
      out.push(...urlFindings(key, urlsOf(b), urlsOf(a)));
      for (const field of ["name", "description"] as const) {
        if ((b[field] ?? "") !== (a[field] ?? ""))
          out.push({
            section: "applications",
            kind: "app.setting-changed",
            subject: key,
            text: `${key} ${field}: ${JSON.stringify(b[field] ?? "")} → ${JSON.stringify(a[field] ?? "")}`,
          });
      }
      out.push(...metadataFindings(key, b.metadata, a.metadata));
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
