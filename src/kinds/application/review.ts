import { assertNever } from "../../errors";
import type { ApplicationSpec } from "../specs";
import { byHand, byStack, type Detector, type Finding, type Rule } from "../vocabulary";
import { CLIENT_FIELDS, URL_FIELDS } from "./fields";

/** An application's change kinds and their risk. */
export const APPLICATION_RISK = {
  "app.added": byStack("medium", "low"),
  "app.removed": byStack("high", "medium"),
  "app.type-changed": () => "high",
  "app.metadata-changed": byStack("medium", "low"),
  // A new callback (or logout URL, or web origin) is a place Auth0 will send users with their codes and tokens.
  "app.url-added": byStack("high", "medium"),
  "app.url-removed": byStack("medium", "low"),
  "app.setting-changed": byHand(() => "low", "medium", "low"),
} as const satisfies Record<`app.${string}`, Rule>;
export type ApplicationChange = keyof typeof APPLICATION_RISK;

export type AppUrls = Record<(typeof URL_FIELDS)[number], string[]>;

/** "<app> gains callback <url>" / "loses …": one finding per URL, for a review and for drift (the tenant as `after`). */
export function urlFindings(key: string, before: Partial<AppUrls>, after: Partial<AppUrls>): Finding<ApplicationChange>[] {
  const out: Finding<ApplicationChange>[] = [];
  for (const field of URL_FIELDS) {
    const [was, now] = [before[field] ?? [], after[field] ?? []];
    const label = CLIENT_FIELDS[field].label;
    for (const url of now.filter((u) => !was.includes(u)))
      out.push({ section: "applications", kind: "app.url-added", subject: key, text: `${key} gains ${label} ${url}` });
    for (const url of was.filter((u) => !now.includes(u)))
      out.push({ section: "applications", kind: "app.url-removed", subject: key, text: `${key} loses ${label} ${url}` });
  }
  return out;
}

/** One finding per metadata key set, removed or changed (metadata feeds claims), for a review and for drift. */
export function metadataFindings(
  key: string,
  before: Record<string, string>,
  after: Record<string, string | undefined>,
): Finding<ApplicationChange>[] {
  const out: Finding<ApplicationChange>[] = [];
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

export function urlsOf(app: ApplicationSpec): AppUrls {
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
export const applicationDetector: Detector<ApplicationChange> = {
  detect: ({ base, head }) => {
    const before = base?.spec.applications ?? {};
    const after = head?.spec.applications ?? {};
    const out: Finding<ApplicationChange>[] = [];
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
