import { KEY_PATTERN } from "../spec/schema";
import type { LiveTenant } from "./live";

/** A public key file the import can point a credential at, by its RFC 7638 thumbprint. */
export interface KeyFile {
  /** Path inside the project (keys/…), or a file outside it that the import copies to `copyTo`. */
  path: string;
  thumbprint: string;
  /** Where the spec will point: the file itself when it is already under the project's keys/, else keys/imported/<file>. */
  specPath: string;
  /** Set when the file is outside the project's keys/: the import copies it to specPath. */
  copyFrom?: string;
  certificateNotAfter?: Date;
}

export interface ImportOptions {
  stack: string;
  project: string;
  /** `auth0:domain` of the new stack (the tenant's own domain, not the local tenant's URL). */
  domain: string;
  keys: KeyFile[];
  now: Date;
}

export interface ImportNote {
  /** What the note is about: an application, API, action, trigger, credential… */
  subject: string;
  text: string;
}

export interface ImportResult {
  /** The value of `<project>:tenant`. */
  tenant: Record<string, unknown>;
  /** The stack file's text, with comments. */
  stackFile: string;
  /** Files to write besides the stack file: imported action code (byte for byte), copied key files. */
  files: { path: string; content?: string; copyFrom?: string }[];
  /** Credentials whose public key was not found, with what to do. */
  unmatchedCredentials: { app: string; credential: string; kid: string; alg: string; specPath: string }[];
  /** `pulumi config set --secret` commands for action secrets (values cannot be read). */
  secretCommands: string[];
  /** Not imported (and why); each is acknowledged under `unmanaged:` when it is an application. */
  skipped: ImportNote[];
  /**
   * What the second `pulumi up` (after `adopt:` is deleted) changes in place, never a create, replace or delete. The
   * first one imports with zero differences: each of these inputs is in its adopt entry's `ignoreChanges`.
   */
  updates: ImportNote[];
  /** Claims the imported actions set by literal name (not declared in the spec). */
  claims: { action: string; name: string; token: string }[];
}

/** What each kind's import step reads and adds to, in the registry's order (APIs before the grants that name them). */
export interface ImportContext extends Omit<ImportResult, "tenant" | "stackFile"> {
  live: LiveTenant;
  options: ImportOptions;
  /** The spec's sections being written: `apis`, `applications`, … → key → entry. */
  sections: Record<string, Record<string, Record<string, unknown>>>;
  /** Sets an `adopt:` entry: the id alone, or with the inputs the adopt run leaves as the provider reads them. */
  adoptWith: (key: string, id: string, ignoreChanges?: string[]) => void;
  /** Acknowledges a client under `unmanaged:` with the grants given (default: all it holds) and its keys. */
  acknowledge: (clientId: string, grants?: LiveTenant["grants"]) => void;
  /** A review comment above a spec entry ("apis.<key>", "applications.<key>", …). */
  comment: (at: string, line: string) => void;
  /** Keys given to each imported object, by its Auth0 id or identifier: later kinds name earlier ones by them. */
  keys: { apiByIdentifier: Map<string, string>; appByClient: Map<string, string>; actionById: Map<string, string> };
}

/** Lower-case letters, digits and dashes, starting with a letter (the spec's key rule), unique among `used`. */
export function keyFor(name: string, fallback: string, used: Set<string>): string {
  let key = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(key)) key = key ? `${fallback}-${key}` : fallback;
  key = key.slice(0, 63).replace(/-+$/, "");
  let candidate = key;
  for (let n = 2; used.has(candidate) || !KEY_PATTERN.test(candidate); n++) {
    const suffix = `-${n}`;
    candidate = `${key.slice(0, 63 - suffix.length).replace(/-+$/, "")}${suffix}`;
  }
  used.add(candidate);
  return candidate;
}

/** The import step of a kind, and the stack file section it writes (absent: it writes inside another kind's entries). */
export interface KindImport {
  section?: { key: string; title: string[] };
  run: (ctx: ImportContext) => void;
}
