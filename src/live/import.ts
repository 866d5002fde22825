import { dump } from "js-yaml";
import { dict } from "../dict";
import { excerpt } from "../excerpt";
import { KIND_NAMES, KINDS } from "../kinds";
import type { ImportContext, ImportOptions, ImportResult } from "../kinds/import-context";
import { printable } from "../text/printable";
import type { LiveTenant } from "./snapshot";

export { keyFor, type ImportNote, type ImportOptions, type ImportResult, type KeyFile } from "../kinds/import-context";
export { secretConfigKey } from "../kinds/action/import";

/**
 * A live tenant → a new stack's spec that declares what exists, with `adopt:` so that the first `pulumi up` imports
 * each object instead of creating it, and a list of what a person must review or supply (keys Auth0 never returns,
 * secret values, settings the model fixes). Each kind imports its own objects (src/kinds/<kind>/import.ts), in the
 * registry's order. Pure: the CLI reads the tenant and the key files and writes the result.
 */
export function importTenant(live: LiveTenant, options: ImportOptions): ImportResult {
  const adopt = dict<string | { id: string; ignoreChanges: string[] }>();
  const unmanaged = dict<Record<string, unknown>>();
  const comments = new Map<string, string[]>(); // "apis.<key>" / "applications.<key>" / "actions.<key>" → comment lines
  const ctx: ImportContext = {
    live,
    options,
    sections: dict(),
    files: [],
    unmatchedCredentials: [],
    secretCommands: [],
    skipped: [],
    updates: [],
    claims: [],
    // The adopt run leaves these inputs as the provider reads them, so that the import step sees no difference
    // (docs/adopting-a-tenant.md); the `pulumi up` after `adopt:` is deleted applies them.
    adoptWith: (key, id, ignoreChanges = []) => (adopt[key] = ignoreChanges.length > 0 ? { id, ignoreChanges } : id),
    acknowledge: (clientId, grants = live.grants.filter((g) => g.clientId === clientId)) => {
      const c = live.clients.find((x) => x.clientId === clientId)!;
      unmanaged[c.clientId] = {
        name: excerpt(`${c.name}${c.appType ? ` (${c.appType})` : ""}`, 180),
        ...(c.credentials.some((x) => x.attached) ? { credentials: c.credentials.filter((x) => x.attached).map((x) => x.kid) } : {}),
        ...(grants.length > 0 ? { grants: Object.fromEntries(grants.map((g) => [g.audience, [...g.scopes].sort()])) } : {}),
      };
    },
    comment: (at, line) => comments.set(at, [...(comments.get(at) ?? []), line]),
    keys: { apiByIdentifier: new Map(), appByClient: new Map(), actionById: new Map() },
  };
  for (const k of KIND_NAMES) KINDS[k].live.import.run(ctx);

  const declared = KIND_NAMES.flatMap((k) => {
    const section = KINDS[k].live.import.section;
    const entries = section && ctx.sections[section.key];
    return section && entries && Object.keys(entries).length > 0 ? [[section.key, entries] as const] : [];
  });
  const { sections: _sections, live: _live, options: _options, adoptWith: _a, acknowledge: _k, comment: _c, keys: _keys, ...result } = ctx;
  const declaresNothing = ["apis", "applications", "actions"].every((key) => !declared.some(([k]) => k === key));
  const tenant: Record<string, unknown> = {
    ...Object.fromEntries(declared),
    ...(declaresNothing ? { allowEmpty: true } : {}),
    adopt,
    ...(Object.keys(unmanaged).length ? { unmanaged } : {}),
  };
  const out = { tenant, ...result };
  return { ...out, stackFile: renderStackFile(live, options, out, comments) };
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
  for (const k of KIND_NAMES) {
    const kindSection = KINDS[k].live.import.section;
    if (kindSection) section(kindSection.key, kindSection.title);
  }
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
