import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import { TENANT_CONFIG_KEY } from "../config/stack-file";
import { didYouMean, listOrNone } from "../spec/issues";

/** Edits a stack file's tenant spec in place, keeping comments and formatting (the `yaml` Document API). */

export class KeysError extends Error {}

export interface CredentialEntry {
  name: string;
  publicKey: string;
  algorithm: string;
  expiresAt?: string;
}

function load(text: string, file: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new KeysError(`${file}: invalid YAML: ${doc.errors[0]!.message}`);
  return doc;
}

function applications(doc: Document, project: string, file: string): YAMLMap {
  const apps = doc.getIn(["config", `${project}:${TENANT_CONFIG_KEY}`, "applications"]);
  if (!isMap(apps)) throw new KeysError(`${file}: no ${project}:${TENANT_CONFIG_KEY}.applications mapping to edit`);
  return apps;
}

function application(doc: Document, project: string, appKey: string, file: string): YAMLMap {
  const apps = applications(doc, project, file);
  const app = apps.get(appKey);
  if (!isMap(app)) {
    const keys = apps.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key));
    throw new KeysError(`unknown application "${appKey}" in ${file} (${didYouMean(appKey, keys)}declared: ${listOrNone(keys)})`);
  }
  return app;
}

/** The credentials currently declared for an app (name, key path, expiry), as written in the file. */
export function declaredCredentials(text: string, project: string, appKey: string, file: string): CredentialEntry[] {
  const creds = application(load(text, file), project, appKey, file).get("credentials");
  if (creds === undefined) return [];
  if (!isSeq(creds)) throw new KeysError(`${file}: applications.${appKey}.credentials is not a list`);
  return (creds.toJSON() as CredentialEntry[]).map((c) => ({ ...c, algorithm: c.algorithm ?? "RS256" }));
}

export function appType(text: string, project: string, appKey: string, file: string): string {
  return String(application(load(text, file), project, appKey, file).get("type"));
}

/** Returns the file's text with `entry` appended to the app's credentials and the named ones removed. */
export function editCredentials(
  text: string,
  project: string,
  appKey: string,
  file: string,
  change: { add?: CredentialEntry; remove?: string[] },
): string {
  const doc = load(text, file);
  const app = application(doc, project, appKey, file);
  let creds = app.get("credentials");
  if (creds === undefined) {
    creds = new YAMLSeq();
    app.set("credentials", creds);
  }
  if (!isSeq(creds)) throw new KeysError(`${file}: applications.${appKey}.credentials is not a list`);
  for (const name of change.remove ?? []) {
    const at = creds.items.findIndex((item) => isMap(item) && item.get("name") === name);
    if (at < 0) throw new KeysError(`application ${appKey} has no credential "${name}"`);
    creds.items.splice(at, 1);
  }
  if (change.add) creds.add(quotedDates(doc.createNode({ ...change.add })));
  return doc.toString();
}

/** Dates stay quoted strings: an unquoted one may be read as a YAML timestamp by other tools (Pulumi's Go reader). */
function quotedDates<T>(node: T): T {
  if (isMap(node)) {
    const value = node.get("expiresAt", true);
    if (isScalar(value)) value.type = "QUOTE_DOUBLE";
  }
  return node;
}

/** The YAML a user would paste under applications.<app>.credentials (for --dry-run). */
export function credentialSnippet(entry: CredentialEntry): string {
  const doc = new Document([]);
  (doc.contents as YAMLSeq).add(quotedDates(doc.createNode({ ...entry })));
  return doc.toString();
}
