import { dump } from "js-yaml";
import { TRIGGERS, ACTION_RUNTIMES, type Trigger } from "../spec/triggers";
import { claimsInCode } from "../actions/literal-claims";
import { dict } from "../dict";
import { excerpt } from "../excerpt";
import { printable } from "../text/printable";
import { shellWord } from "../text/shell-word";
import { API_SIGNING_ALGS, CREDENTIAL_ALGS, KEY_PATTERN, SCOPE_PATTERN, webUrlProblem } from "../spec/schema";
import { DEFAULT_DESCRIPTION } from "../model/application";
import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetimeForWeb } from "../spec/token-lifetimes";
import type { ApplicationSpec } from "../spec/types";
import type { LiveAction, LiveApi, LiveClient, LiveCredential, LiveTenant } from "./snapshot";

/**
 * A live tenant → a new stack's spec that declares what exists, with `adopt:` so that the first `pulumi up` imports
 * each object instead of creating it, and a list of what a person must review or supply (keys Auth0 never returns,
 * secret values, settings the model fixes). Pure: the CLI reads the tenant and the key files and writes the result.
 */

/** A public key file the import can point a credential at, by its RFC 7638 thumbprint. */
/** The spec's application type for each Auth0 app_type it declares (src/model/application.ts byType is the inverse). */
const SPEC_TYPE_OF = { non_interactive: "m2m", regular_web: "regular_web" } as const satisfies Record<string, ApplicationSpec["type"]>;

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

const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const METADATA_KEY = /^[A-Za-z0-9_-]{1,255}$/;

/** A config key for an action secret: `<actionKey in camelCase><SECRET_NAME in PascalCase>`, in the project's namespace. */
export function secretConfigKey(actionKey: string, secret: string): string {
  const camel = actionKey.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const pascal = secret
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
  return `${camel}${pascal || "Secret"}`;
}

export function importTenant(live: LiveTenant, options: ImportOptions): ImportResult {
  const skipped: ImportNote[] = [];
  const updates: ImportNote[] = [];
  const files: ImportResult["files"] = [];
  const unmatchedCredentials: ImportResult["unmatchedCredentials"] = [];
  const secretCommands: string[] = [];
  const claims: ImportResult["claims"] = [];
  const adopt = dict<string | { id: string; ignoreChanges: string[] }>();
  // The adopt run leaves these inputs as the provider reads them, so that the import step sees no difference
  // (docs/adopting-a-tenant.md); the `pulumi up` after `adopt:` is deleted applies them.
  const adoptWith = (key: string, id: string, ignoreChanges: string[]) =>
    (adopt[key] = ignoreChanges.length > 0 ? { id, ignoreChanges } : id);
  const unmanaged = dict<Record<string, unknown>>();
  const comments = new Map<string, string[]>(); // "apis.<key>" / "applications.<key>" / "actions.<key>" → comment lines
  const comment = (at: string, line: string) => comments.set(at, [...(comments.get(at) ?? []), line]);
  const keyByThumbprint = new Map<string, KeyFile>();
  for (const k of options.keys) if (!keyByThumbprint.has(k.thumbprint)) keyByThumbprint.set(k.thumbprint, k);

  // ---- APIs ----
  const apiKeys = new Set<string>();
  const apis = dict<Record<string, unknown>>();
  const apiKeyByIdentifier = new Map<string, string>();
  for (const api of live.apis) {
    if (api.system) continue;
    const problem = apiProblem(api);
    if (problem) {
      skipped.push({
        subject: `API ${api.identifier}`,
        text: `${problem}; it is left unmanaged (grants on it are acknowledged under unmanaged:)`,
      });
      continue;
    }
    const key = keyFor(api.name, "api", apiKeys);
    apiKeyByIdentifier.set(api.identifier, key);
    apis[key] = apiSpec(api);
    adopt[`resourceServer/${key}`] = api.id;
    if (api.scopes.length > 0) adopt[`resourceServerScopes/${key}`] = api.identifier;
  }

  // ---- applications ----
  const systemAudiences = new Set(live.apis.filter((a) => a.system).map((a) => a.identifier));
  const appKeys = new Set<string>();
  const applications = dict<Record<string, unknown>>();
  const appKeyByClient = new Map<string, string>();
  const names = new Set<string>();
  const grantsOf = (clientId: string) => live.grants.filter((g) => g.clientId === clientId);
  const acknowledge = (c: LiveClient, grants = grantsOf(c.clientId)) => {
    unmanaged[c.clientId] = {
      name: excerpt(`${c.name}${c.appType ? ` (${c.appType})` : ""}`, 180),
      ...(c.credentials.some((x) => x.attached) ? { credentials: c.credentials.filter((x) => x.attached).map((x) => x.kid) } : {}),
      ...(grants.length > 0 ? { grants: Object.fromEntries(grants.map((g) => [g.audience, [...g.scopes].sort()])) } : {}),
    };
  };
  for (const c of live.clients) {
    if (c.clientId === live.readerClientId) {
      acknowledge(c);
      skipped.push({
        subject: `application ${c.name} (${c.clientId})`,
        text: "the Management API client this import ran as; acknowledged under unmanaged:",
      });
      continue;
    }
    const problem = clientProblem(c, names, systemAudiences, live.grants);
    if (problem) {
      skipped.push({
        subject: `application ${c.name} (${c.clientId})`,
        text: `${problem}; acknowledged under unmanaged: with its current grants and keys`,
      });
      acknowledge(c);
      continue;
    }
    names.add(c.name);
    const key = keyFor(c.name, "app", appKeys);
    appKeyByClient.set(c.clientId, key);
    const type = SPEC_TYPE_OF[c.appType as keyof typeof SPEC_TYPE_OF]; // clientProblem let only these two through
    const app: Record<string, unknown> = { type, name: c.name, description: c.description ?? "" };
    if (c.description === undefined)
      comment(
        `applications.${key}`,
        `description: "" keeps the tenant's empty description (leaving it out would set "${DEFAULT_DESCRIPTION}")`,
      );
    if (type === "regular_web") {
      app.callbacks = c.callbacks;
      if (c.allowedLogoutUrls.length > 0) app.allowedLogoutUrls = c.allowedLogoutUrls;
      if (c.webOrigins.length > 0) app.webOrigins = c.webOrigins;
    }
    if (Object.keys(c.metadata).length > 0) app.metadata = c.metadata;
    // Settings the model fixes: the second pulumi up sets them (an update in place); the adopt run ignores them.
    const fixed = type === "m2m" ? ["client_credentials"] : ["authorization_code", "refresh_token"];
    const changes: { input: string; text: string }[] = [];
    if (JSON.stringify(c.grantTypes) !== JSON.stringify(fixed))
      changes.push({ input: "grantTypes", text: `grant types ${c.grantTypes.join(", ") || "(none)"} → ${fixed.join(", ")}` });
    if (!c.oidcConformant) changes.push({ input: "oidcConformant", text: "OIDC conformant: false → true" });
    if (!c.isFirstParty) changes.push({ input: "isFirstParty", text: "first party: false → true" });
    if (c.jwtAlg !== "RS256")
      changes.push({ input: "jwtConfiguration", text: `ID token signing algorithm ${c.jwtAlg ?? "(unset)"} → RS256` });
    for (const { text } of changes) updates.push({ subject: `application ${key}`, text });
    const clientIgnores = changes.map((x) => x.input);
    // Credentials: the attached ones authenticate; their public keys come from key files (Auth0 never returns them).
    const attached = c.credentials.filter((x) => x.attached);
    const unattached = c.credentials.filter((x) => !x.attached);
    if (unattached.length > 0)
      skipped.push({
        subject: `application ${key}`,
        text: `${unattached.length} credential(s) not attached to the application (cannot authenticate): ${unattached.map((x) => `${x.name || x.id} (kid ${x.kid})`).join(", ")}; left alone`,
      });
    if (attached.length > 0) {
      const creds = attached.map((cred) => credentialSpec(key, cred, keyByThumbprint, options, unmatchedCredentials, files, comment));
      app.credentials = creds;
      // The provider's read leaves every PEM empty (terraform-provider-auth0 v1.53.0 client/flatten.go#L1004-1016).
      adoptWith(`clientCredentials/${key}`, c.clientId, ["privateKeyJwt"]);
      updates.push({
        subject: `application ${key}`,
        text: "its credentials' public keys are written into the state (Auth0 never returns them); the provider pairs each key with the live credential whose key id is its thumbprint (client/resource_credentials.go classifyCredentialChanges) and sends nothing to Auth0",
      });
    }
    // Grants on imported APIs are declared; grants on Auth0's APIs or on APIs left out are acknowledged.
    const declared: Record<string, string[]> = {};
    const other = [];
    for (const g of grantsOf(c.clientId)) {
      const apiKey = apiKeyByIdentifier.get(g.audience);
      if (apiKey && type === "m2m" && g.subjectType === "client") {
        declared[apiKey] = [...g.scopes].sort();
        // The read keeps the Management API's order (client/flatten.go); the model declares scopes sorted.
        const reordered = JSON.stringify(g.scopes) !== JSON.stringify(declared[apiKey]);
        adoptWith(`clientGrant/${key}/${apiKey}`, g.id, reordered ? ["scopes"] : []);
        if (reordered)
          updates.push({
            subject: `application ${key}`,
            text: `its grant on ${apiKey} is sent again with the same scopes in sorted order (${g.scopes.join(" ")} → ${declared[apiKey]!.join(" ")})`,
          });
      } else other.push(g);
    }
    if (type === "m2m") app.grants = declared;
    if (other.length > 0) {
      acknowledge(c, other);
      for (const g of other)
        skipped.push({
          subject: `application ${key}`,
          text: `its grant on ${g.audience} (${g.scopes.join(" ") || "no scopes"}) is not declared (acknowledged under unmanaged:)`,
        });
    }
    applications[key] = app;
    adoptWith(`client/${key}`, c.clientId, clientIgnores);
  }

  // ---- actions ----
  const actionKeys = new Set<string>();
  const actions = dict<Record<string, unknown>>();
  const actionKeyById = new Map<string, string>();
  for (const a of live.actions) {
    const problem = actionProblem(a);
    if (problem) {
      skipped.push({ subject: `action ${a.name}`, text: `${problem}; not imported` });
      continue;
    }
    const key = keyFor(a.name, "action", actionKeys);
    actionKeyById.set(a.id, key);
    const source = `actions/imported/${key}.js`;
    files.push({ path: source, content: a.deployedCode! });
    const spec: Record<string, unknown> = { ...(a.name !== key ? { name: a.name } : {}), trigger: a.trigger, source, bundle: false };
    if (a.runtime !== "node22") spec.runtime = a.runtime;
    if (a.secrets.length > 0) {
      spec.secrets = Object.fromEntries(a.secrets.map((s) => [s, { config: secretConfigKey(key, s) }]));
      for (const s of a.secrets)
        secretCommands.push(
          `pulumi config set --secret --stack ${shellWord(options.stack)} ${secretConfigKey(key, s)} ${shellWord(`<the value of ${s}>`)}`,
        );
      updates.push({
        subject: `action ${key}`,
        text: `its secrets (${a.secrets.join(", ")}) are sent again from Pulumi config, and the action is redeployed: Auth0 never returns secret values`,
      });
    }
    updates.push({
      subject: `action ${key}`,
      text: "redeployed once with the same code (a new version of identical code): the provider does not read `deploy` back, so the second pulumi up sets it",
    });
    if (a.undeployedChanges)
      updates.push({
        subject: `action ${key}`,
        text: "the dashboard holds undeployed edits (a draft): the import takes the deployed code, and the second pulumi up overwrites the draft with it",
      });
    for (const c of claimsInCode(a.deployedCode!)) claims.push({ action: key, name: c.name, token: c.token });
    comment(
      `actions.${key}`,
      `deployed as written (bundle: false), byte for byte what Auth0 runs; its claims are set by its code, not declared here`,
    );
    actions[key] = spec;
    // The provider's read never sets `deploy` nor secret values (terraform-provider-auth0 v1.53.0 action/flatten.go).
    adoptWith(`action/${key}`, a.id, a.secrets.length > 0 ? ["deploy", "secrets"] : ["deploy"]);
  }

  // ---- trigger bindings, in their current order ----
  const triggers = dict<string[]>();
  for (const trigger of Object.keys(TRIGGERS) as Trigger[]) {
    const bound = live.bindings[trigger] ?? [];
    if (bound.length === 0) continue;
    const keys = bound.map((b) => actionKeyById.get(b.actionId));
    if (keys.some((k) => k === undefined)) {
      const missing = bound.filter((b) => !actionKeyById.has(b.actionId)).map((b) => b.displayName || b.actionName);
      skipped.push({
        subject: `trigger ${trigger}`,
        text: `left unmanaged: its bindings include ${missing.join(", ")}, which the spec cannot declare, and declaring the trigger would unbind them. pulumi up leaves its bindings alone`,
      });
      continue;
    }
    triggers[trigger] = keys as string[];
    const renamed = bound.filter((b) => b.displayName !== live.actions.find((a) => a.id === b.actionId)?.name);
    adoptWith(`triggerActions/${trigger}`, trigger, renamed.length > 0 ? ["actions"] : []);
    for (const b of renamed)
      updates.push({
        subject: `trigger ${trigger}`,
        text: `the binding shown as "${b.displayName}" gets its action's name "${b.actionName}" as display name (the bindings are sent again, same actions, same order)`,
      });
  }

  const tenant: Record<string, unknown> = {
    ...(Object.keys(apis).length ? { apis } : {}),
    ...(Object.keys(applications).length ? { applications } : {}),
    ...(Object.keys(actions).length ? { actions } : {}),
    ...(Object.keys(triggers).length ? { triggers } : {}),
    ...(Object.keys(apis).length + Object.keys(applications).length + Object.keys(actions).length === 0 ? { allowEmpty: true } : {}),
    adopt,
    ...(Object.keys(unmanaged).length ? { unmanaged } : {}),
  };
  const result = { tenant, files, unmatchedCredentials, secretCommands, skipped, updates, claims };
  return { ...result, stackFile: renderStackFile(live, options, result, comments) };
}

function apiProblem(api: LiveApi): string | undefined {
  if (!(API_SIGNING_ALGS as readonly string[]).includes(api.signingAlg))
    return `it signs tokens with ${api.signingAlg} (the spec allows ${API_SIGNING_ALGS.join(", ")})`;
  const bad = api.scopes.find((s) => !SCOPE_PATTERN.test(s.name) || s.description.length > 500);
  if (bad) return `its scope ${JSON.stringify(bad.name)} is not one the spec can declare`;
  if (api.tokenLifetimeForWeb > api.tokenLifetime) return "its browser-flow token lifetime exceeds its token lifetime";
  return undefined;
}

function clientProblem(c: LiveClient, names: Set<string>, systemAudiences: Set<string>, grants: LiveTenant["grants"]): string | undefined {
  if (grants.some((g) => g.clientId === c.clientId && systemAudiences.has(g.audience)))
    return "a client of the Auth0 Management API (a deployer, a previewer or an admin tool): managing its keys from a stack it deploys could lock the deployment out";
  if (c.appType !== "non_interactive" && c.appType !== "regular_web")
    return `a ${c.appType ?? "generic"} application (the spec declares machine-to-machine and regular web applications only)`;
  if (names.has(c.name)) return `another application is also named ${JSON.stringify(c.name)} (names are unique in the spec)`;
  if (!c.name.trim() || c.name.trim() !== c.name || c.name.length > 128)
    return `its name ${JSON.stringify(c.name)} is not one the spec can declare`;
  if (c.description !== undefined && c.description.length > 140) return "its description is longer than 140 characters";
  if (Object.keys(c.metadata).some((k) => !METADATA_KEY.test(k))) return "a metadata key the spec cannot declare";
  if (c.appType === "non_interactive" && c.authMethod !== "private_key_jwt")
    return `a machine-to-machine application that authenticates with ${c.authMethod} (this project manages M2M applications with private_key_jwt only: add a key with the dashboard or the Management API, move the service to it, then import again)`;
  if (c.credentials.filter((x) => x.attached).length > 2) return "more than two credentials";
  if (c.appType === "regular_web") {
    if (c.callbacks.length === 0) return "a web application without callback URLs";
    const bad =
      [...c.callbacks, ...c.allowedLogoutUrls].find((u) => webUrlProblem(u, "url")) ?? c.webOrigins.find((u) => webUrlProblem(u, "origin"));
    if (bad)
      return `its URL ${JSON.stringify(bad)} is not one the spec allows (${webUrlProblem(bad, c.webOrigins.includes(bad) ? "origin" : "url")})`;
  }
  const badCred = c.credentials.find(
    (x) => x.attached && (x.type !== "public_key" || !(CREDENTIAL_ALGS as readonly string[]).includes(x.alg)),
  );
  if (badCred)
    return `its credential ${badCred.name || badCred.id} is a ${badCred.type} ${badCred.alg} credential (the spec declares public_key credentials with ${CREDENTIAL_ALGS.join(", ")})`;
  return undefined;
}

function actionProblem(a: LiveAction): string | undefined {
  if (a.marketplace) return "installed from the marketplace (its code is not the tenant's to declare)";
  const trigger = TRIGGERS[a.trigger as Trigger];
  if (!trigger) return `written for the ${a.trigger} trigger (the spec declares post-login and credentials-exchange actions)`;
  if (a.triggerVersion && a.triggerVersion !== trigger.version)
    return `written for ${a.trigger} ${a.triggerVersion} (the spec deploys ${trigger.version})`;
  if (a.deployedCode === undefined) return "never deployed (importing it would deploy it)";
  if (!(ACTION_RUNTIMES as readonly string[]).includes(a.runtime))
    return `runtime ${a.runtime} (the spec allows ${ACTION_RUNTIMES.join(", ")})`;
  if (a.dependencies.length > 0)
    return `it uses npm dependencies (${a.dependencies.map((d) => `${d.name}@${d.version}`).join(", ")}), which the spec cannot declare (deploying it without them would break it)`;
  return undefined;
}

function apiSpec(api: LiveApi): Record<string, unknown> {
  return {
    identifier: api.identifier,
    name: api.name,
    ...(api.signingAlg !== "RS256" ? { signingAlg: api.signingAlg } : {}),
    ...(api.tokenLifetime !== DEFAULT_TOKEN_LIFETIME ? { tokenLifetime: api.tokenLifetime } : {}),
    ...(api.tokenLifetimeForWeb !== defaultTokenLifetimeForWeb(api.tokenLifetime) ? { tokenLifetimeForWeb: api.tokenLifetimeForWeb } : {}),
    ...(api.allowOfflineAccess ? { allowOfflineAccess: true } : {}),
    // The spec's default is true (Auth0's is false).
    ...(api.skipConsentForVerifiableFirstPartyClients ? {} : { skipConsentForVerifiableFirstPartyClients: false }),
    scopes: Object.fromEntries(api.scopes.map((s) => [s.name, s.description])),
  };
}

function credentialSpec(
  appKey: string,
  cred: LiveCredential,
  keys: Map<string, KeyFile>,
  options: ImportOptions,
  unmatched: ImportResult["unmatchedCredentials"],
  files: ImportResult["files"],
  comment: (at: string, line: string) => void,
): Record<string, unknown> {
  const name = CREDENTIAL_NAME.test(cred.name) ? cred.name : `${appKey}-${cred.kid.slice(0, 8).replace(/[^A-Za-z0-9]/g, "x")}`;
  if (name !== cred.name)
    comment(
      `applications.${appKey}`,
      `credential ${JSON.stringify(cred.name)} is named ${name} here (the spec's name rule); the provider never sends names, so a preview will show the rename until the key is rotated`,
    );
  const key = keys.get(cred.kid);
  let specPath: string;
  if (key) {
    specPath = key.specPath;
    if (key.copyFrom && !files.some((f) => f.path === key.specPath)) files.push({ path: key.specPath, copyFrom: key.copyFrom });
  } else {
    specPath = `keys/imported/${appKey}-${name}.pem`;
    unmatched.push({ app: appKey, credential: name, kid: cred.kid, alg: cred.alg, specPath });
    comment(`applications.${appKey}`, `TODO: ${specPath} is missing: save the public key whose RFC 7638 thumbprint is ${cred.kid} there`);
  }
  if (cred.expiresAt && Date.parse(cred.expiresAt) <= options.now.getTime())
    comment(
      `applications.${appKey}`,
      `credential ${name} expired on ${cred.expiresAt}: the spec refuses expired keys; delete it in the tenant (it cannot authenticate) and remove it here`,
    );
  return { name, publicKey: specPath, algorithm: cred.alg, ...(cred.expiresAt ? { expiresAt: cred.expiresAt } : {}) };
}

const INDENT = "    ";
const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");
/** Every value of the stack file is written by js-yaml (its quoting: a tenant's name is data, never syntax). */
const yaml = (value: unknown) => dump(value, { lineWidth: -1, noRefs: true, quotingType: '"' }).trimEnd();
/** Every comment line: one line whatever the text holds (names from the tenant appear in them). */
const yamlComment = (indent: string, text: string) => `${indent}# ${printable(text)}`.trimEnd();

/** The stack file: the spec section by section, each entry with its review comments, and the review list on top. */
function renderStackFile(
  live: LiveTenant,
  options: ImportOptions,
  r: Omit<ImportResult, "stackFile">,
  comments: Map<string, string[]>,
): string {
  const out: string[] = [];
  const say = (...lines: string[]) => out.push(...lines.map((l) => yamlComment("", l)));
  say(
    `Imported from the Auth0 tenant ${live.domain} by \`npx auth0-tenant import\` on ${options.now.toISOString().slice(0, 10)}: stack ${options.stack}.`,
    "",
    "Review this file before the first `pulumi up`. `adopt:` below makes that first `pulumi up` import each existing",
    "object instead of creating a duplicate, with zero differences: it creates, replaces, updates and deletes nothing",
    "(each entry's ignoreChanges leaves what Auth0 cannot return, or what the spec changes, as the provider reads it).",
    `Check with \`npx auth0-tenant plan --stack ${options.stack}\` (offline), then \`pulumi preview --stack ${options.stack}\`: every`,
    "resource is an import and nothing else. Then delete `adopt:`: the next `pulumi up`, a separate reviewed deployment,",
    "makes exactly the changes listed under 3.",
    "",
  );
  say("1. Public keys Auth0 never returns (each credential needs its public key under keys/):");
  if (r.unmatchedCredentials.length === 0) say("   every credential was matched to a key file by its RFC 7638 thumbprint.");
  for (const u of r.unmatchedCredentials)
    say(`   - ${u.app} / ${u.credential} (${u.alg}, kid ${u.kid}): save the public key whose thumbprint is ${u.kid} as ${u.specPath}`);
  say("", "2. Secret values Auth0 never returns (set each before the first pulumi up):");
  if (r.secretCommands.length === 0) say("   none.");
  for (const c of r.secretCommands) say(`   ${c}`);
  say("", "3. What the second pulumi up (after `adopt:` is deleted) changes in place (no create, replace or delete):");
  if (r.updates.length === 0) say("   nothing.");
  for (const u of r.updates) say(`   - ${u.subject}: ${u.text}`);
  say("", "4. Not imported (pulumi up leaves these alone; drift reports any change to them beyond `unmanaged:`):");
  if (r.skipped.length === 0) say("   nothing.");
  for (const s of r.skipped) say(`   - ${s.subject}: ${s.text}`);
  if (r.claims.length > 0) {
    say("", "5. Claims the imported actions set by literal name (not declared: their code sets them; npm run plan lists them):");
    for (const c of r.claims) say(`   - ${c.action}: ${c.name} (${c.token} token)`);
  }
  out.push("config:", `  auth0:domain: ${yaml(options.domain)}`, `  ${options.project}:tenant:`);
  const t = r.tenant as Record<string, Record<string, unknown> | unknown>;
  const section = (key: string, title: string[]) => {
    const value = t[key];
    if (value === undefined) return;
    out.push(...title.map((l) => yamlComment(INDENT, l)));
    if (
      typeof value !== "object" ||
      value === null ||
      Array.isArray(value) ||
      key === "triggers" ||
      key === "adopt" ||
      key === "unmanaged"
    ) {
      out.push(indent(yaml({ [key]: value }), INDENT));
      return;
    }
    out.push(`${INDENT}${key}:`);
    for (const [entry, v] of Object.entries(value as Record<string, unknown>)) {
      for (const c of comments.get(`${key}.${entry}`) ?? []) out.push(yamlComment(`${INDENT}  `, c));
      out.push(indent(yaml({ [entry]: v }), `${INDENT}  `));
    }
  };
  if (t.allowEmpty) out.push(`${INDENT}allowEmpty: true`);
  section("apis", ["APIs (resource servers) and their scopes, as in the tenant."]);
  section("applications", ["Applications: machine-to-machine (private_key_jwt) and regular web, with their grants and credentials."]);
  section("actions", ["Actions, with the code Auth0 runs (actions/imported/), bound below in their current order."]);
  section("triggers", ["Binding order = execution order, as in the tenant."]);
  section("adopt", [
    "What the first `pulumi up` imports instead of creating (the `import` resource option): <kind>/<name> → Auth0 id,",
    "with the inputs that run leaves as Auth0 has them (ignoreChanges). Delete this section once that run succeeded:",
    "while it stays, the changes listed under 3 are never applied.",
  ]);
  section("unmanaged", [
    "Applications this stack does not manage, with the grants and keys they hold today: drift reports anything beyond.",
  ]);
  return out.join("\n") + "\n";
}
