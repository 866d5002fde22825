import { isMapping } from "../dict";
import { dump } from "js-yaml";
import { TENANT_CONFIG_KEY } from "../config/stack-file";
import { parseYamlWithRanges } from "../config/yaml";
import { KeysError } from "../errors";
import { didYouMean, listOrNone } from "../spec/issues";

/**
 * Edits the credentials of one application in a stack file by changing only the lines of those credentials: every
 * other byte (comments, flow lists, quoting, blank lines) stays as it was. Positions come from the YAML parser
 * (../config/yaml.ts); the rest is text splicing.
 */

export interface CredentialEntry {
  name: string;
  publicKey: string;
  algorithm: string;
  expiresAt?: string;
}

type Mapping = Record<string, unknown>;

function parse(text: string, file: string) {
  try {
    return parseYamlWithRanges(text, file);
  } catch (e) {
    throw new KeysError((e as Error).message);
  }
}

function application(value: unknown, project: string, appKey: string, file: string): Mapping {
  const tenant = isMapping(value) && isMapping(value.config) ? value.config[`${project}:${TENANT_CONFIG_KEY}`] : undefined;
  const apps = isMapping(tenant) ? tenant.applications : undefined;
  if (!isMapping(apps)) throw new KeysError(`${file}: no ${project}:${TENANT_CONFIG_KEY}.applications mapping to edit`);
  const app = Object.hasOwn(apps, appKey) ? apps[appKey] : undefined;
  if (!isMapping(app)) {
    const keys = Object.keys(apps);
    throw new KeysError(`unknown application "${appKey}" in ${file} (${didYouMean(appKey, keys)}declared: ${listOrNone(keys)})`);
  }
  return app;
}

function credentialsOf(app: Mapping, appKey: string, file: string): unknown[] | undefined {
  const creds = app.credentials;
  if (creds === undefined || creds === null) return undefined;
  if (!Array.isArray(creds)) throw new KeysError(`${file}: applications.${appKey}.credentials is not a list`);
  return creds;
}

/** The credentials currently declared for an app (name, key path, expiry), as written in the file. */
export function declaredCredentials(text: string, project: string, appKey: string, file: string): CredentialEntry[] {
  const creds = credentialsOf(application(parse(text, file).value, project, appKey, file), appKey, file) ?? [];
  return creds.filter(isMapping).map((c) => ({ ...(c as unknown as CredentialEntry), algorithm: String(c.algorithm ?? "RS256") }));
}

export function appType(text: string, project: string, appKey: string, file: string): string {
  return String(application(parse(text, file).value, project, appKey, file).type);
}

const lineStart = (text: string, at: number) => text.lastIndexOf("\n", at - 1) + 1;
/** The offset just past the end of the line holding the last non-blank character before `at`. */
function blockEnd(text: string, at: number): number {
  let i = at;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  const nl = text.indexOf("\n", i);
  return nl < 0 ? text.length : nl + 1;
}
const columnOf = (text: string, at: number) => at - lineStart(text, at);
/** Lines inserted at `at`: a file whose last line has no newline gets one first, or the new lines would join it. */
const linesAt = (text: string, at: number, lines: string) => (at > 0 && text[at - 1] !== "\n" ? "\n" : "") + lines;

/** A credential as block YAML lines at the given indentation (dates double-quoted, so no reader takes them for timestamps). */
function itemLines(entry: CredentialEntry, indent: string): string {
  const yaml = dump([{ ...entry }], { lineWidth: -1, quotingType: '"', forceQuotes: false });
  const quoted = entry.expiresAt ? yaml.replace(/expiresAt: .*$/m, `expiresAt: ${JSON.stringify(entry.expiresAt)}`) : yaml;
  return quoted
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => indent + l + "\n")
    .join("");
}

/** Returns the file's text with `entry` appended to the app's credentials and the named ones removed. */
export function editCredentials(
  text: string,
  project: string,
  appKey: string,
  file: string,
  change: { add?: CredentialEntry; remove?: string[] },
): string {
  const { value, rangeOf } = parse(text, file);
  const app = application(value, project, appKey, file);
  const creds = credentialsOf(app, appKey, file);
  const edits: { at: number; end: number; text: string }[] = [];
  const rangeOrFail = (node: object, what: string) => {
    const r = rangeOf(node);
    if (!r) throw new KeysError(`${file}: cannot locate ${what} of applications.${appKey}`);
    return r;
  };
  if (creds && creds.length > 0) {
    const items = creds.map((c, i) => {
      if (!isMapping(c)) throw new KeysError(`${file}: applications.${appKey}.credentials[${i}] is not a mapping`);
      return { c, r: rangeOrFail(c, `credentials[${i}]`) };
    });
    const seq = rangeOrFail(creds, "credentials");
    if (text[seq.start] === "[") {
      throw new KeysError(
        `${file}: applications.${appKey}.credentials is a flow list ([...]); write it as a block list (one "- name: ..." per credential) so the key tool can edit it`,
      );
    }
    for (const name of change.remove ?? []) {
      const at = items.findIndex(({ c }) => c.name === name);
      if (at < 0) throw new KeysError(`application ${appKey} has no credential "${name}"`);
      const { r } = items[at]!;
      edits.push({ at: lineStart(text, r.start), end: blockEnd(text, r.end), text: "" });
    }
    if (change.add) {
      const first = items[0]!.r;
      const dash = text.lastIndexOf("-", first.start);
      const last = items[items.length - 1]!.r;
      edits.push({
        at: blockEnd(text, last.end),
        end: blockEnd(text, last.end),
        text: linesAt(text, blockEnd(text, last.end), itemLines(change.add, " ".repeat(columnOf(text, dash)))),
      });
    }
  } else {
    if (change.remove && change.remove.length > 0) throw new KeysError(`application ${appKey} has no credential "${change.remove[0]}"`);
    if (change.add) {
      const r = rangeOrFail(app, "the mapping");
      const indent = " ".repeat(columnOf(text, r.start));
      const existing = app.credentials !== undefined;
      if (existing)
        throw new KeysError(
          `${file}: applications.${appKey}.credentials is empty in a form the key tool cannot extend; write it as a block list`,
        );
      edits.push({
        at: blockEnd(text, r.end),
        end: blockEnd(text, r.end),
        text: linesAt(text, blockEnd(text, r.end), `${indent}credentials:\n${itemLines(change.add, `${indent}  `)}`),
      });
    }
  }
  // Splice from the end of the file backwards so earlier offsets stay valid.
  let out = text;
  for (const e of edits.sort((a, b) => b.at - a.at || b.end - a.end)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

/**
 * Writes an app's whole credential list into a stack file that does not declare it yet (an overlay whose app inherits
 * its keys from the shared definition, or does not mention the app at all): the missing `applications:`, `<app>:`
 * and `credentials:` lines are added at the end of the mapping they belong to; nothing else changes.
 */
export function setCredentials(text: string, project: string, appKey: string, file: string, entries: CredentialEntry[]): string {
  const { value, rangeOf } = parse(text, file);
  const key = `${project}:${TENANT_CONFIG_KEY}`;
  const tenant = isMapping(value) && isMapping(value.config) ? value.config[key] : undefined;
  if (!isMapping(tenant)) throw new KeysError(`${file}: no ${key} mapping to edit`);
  const locate = (node: object, what: string) => {
    const r = rangeOf(node);
    if (!r) throw new KeysError(`${file}: cannot locate ${what}`);
    return { end: blockEnd(text, r.end), indent: " ".repeat(columnOf(text, r.start)) };
  };
  const items = (indent: string) => entries.map((e) => itemLines(e, indent)).join("");
  let at: number;
  let insert: string;
  const apps = tenant.applications;
  if (apps === undefined) {
    const t = locate(tenant, key);
    at = t.end;
    insert = `${t.indent}applications:
${t.indent}  ${appKey}:
${t.indent}    credentials:
${items(`${t.indent}      `)}`;
  } else if (!isMapping(apps)) {
    throw new KeysError(`${file}: applications is not a mapping`);
  } else if (!Object.hasOwn(apps, appKey)) {
    const a = locate(apps, "applications");
    at = a.end;
    insert = `${a.indent}${appKey}:
${a.indent}  credentials:
${items(`${a.indent}    `)}`;
  } else {
    const app = apps[appKey];
    if (!isMapping(app)) throw new KeysError(`${file}: applications.${appKey} is not a mapping here (is it removed in this stack?)`);
    if (app.credentials !== undefined) throw new KeysError(`${file}: applications.${appKey}.credentials is already declared here`);
    const a = locate(app, `applications.${appKey}`);
    at = a.end;
    insert = `${a.indent}credentials:
${items(`${a.indent}  `)}`;
  }
  return text.slice(0, at) + linesAt(text, at, insert) + text.slice(at);
}

/** The YAML a user would paste under applications.<app>.credentials (for --dry-run). */
export function credentialSnippet(entry: CredentialEntry): string {
  return itemLines(entry, "");
}
