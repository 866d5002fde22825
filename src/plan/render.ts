import { formatIssue, issueLines, type SpecIssue } from "../spec";
import { table, wrapWords } from "../text/table";
import type { PlanSummary } from "./summary";

/** The heading under which the text plan shows each resource type (each kind's `plan`, src/kinds). */
export { PLAN_SECTIONS } from "../kinds";

/** The plan as text; `width` (a terminal's columns) narrows tables to fit. */
export function renderPlanText(s: PlanSummary, warnings: SpecIssue[], width = Infinity): string {
  const fitted = (headers: string[], rows: string[][]) => table(headers, rows, width);
  const out: string[] = [];
  out.push(
    ...wrapWords(
      `Plan for stack ${s.stack} (project ${s.project}, tenant ${s.domain ?? "domain not set"})${s.protect ? ", all resources protected" : ""}`,
      width,
    ),
  );
  if (s.rotationCheckedAgainst) out.push(`Credential changes checked against ${s.rotationCheckedAgainst}.`);
  out.push("");
  out.push("APIs");
  out.push(
    fitted(
      ["api", "identifier", "token lifetime (web)", "scopes"],
      s.apis.map((a) => [a.key, a.identifier, `${a.tokenLifetime}s (${a.tokenLifetimeForWeb}s)`, a.scopes.join(", ") || "(none)"]),
    ),
  );
  out.push("");
  out.push("Applications");
  out.push(
    fitted(
      ["app", "type", "auth method", "grants (API -> scopes)"],
      s.applications.map((a) => [
        a.key,
        a.type,
        a.authenticationMethod.split(" ")[0]!,
        a.grants.map((g) => `${g.api} -> ${g.scopes.join(" ") || "(no scopes)"}`).join("; ") || "(none)",
      ]),
    ),
  );
  out.push("");
  out.push("Credentials");
  const creds = s.applications.flatMap((a) =>
    a.credentials.map((c) => [
      a.key,
      c.name,
      c.algorithm,
      String(c.bits),
      c.format,
      c.thumbprint,
      c.expiresAt ? c.expiresAt.slice(0, 10) : "never",
      c.daysLeft === null ? "-" : String(c.daysLeft),
    ]),
  );
  out.push(
    creds.length
      ? fitted(["app", "credential", "alg", "bits", "format", "thumbprint (RFC 7638)", "expires", "days left"], creds)
      : "(none)",
  );
  out.push("");
  out.push("Actions (in binding order)");
  const actions = [...s.actions].sort((a, b) => a.trigger.localeCompare(b.trigger) || (a.order ?? 99) - (b.order ?? 99));
  out.push(
    actions.length
      ? fitted(
          ["trigger", "#", "action", "source", "bundle sha256", "bytes", "secrets"],
          actions.map((a) => [
            a.trigger,
            a.order === null ? "unbound" : String(a.order),
            a.key,
            a.source,
            a.sha256.slice(0, 16),
            String(a.bytes),
            a.secrets.join(", ") || "-",
          ]),
        )
      : "(none)",
  );
  const claims = actions.flatMap((a) => [
    ...a.claims.map((c) => [a.trigger, a.key, c.tokens.join("+"), c.name, c.from ?? `= ${JSON.stringify(c.value)}`]),
    ...(a.undeclaredClaims ?? []).map((c) => [a.trigger, a.key, c.token, c.name, "not declared (a literal setCustomClaim in its code)"]),
    ...(a.deny ? [[a.trigger, a.key, "deny", `${a.deny.code}: ${a.deny.reason}`, `when ${a.deny.when} = ${a.deny.equals}`]] : []),
  ]);
  if (claims.length) {
    out.push("");
    out.push("Claims");
    out.push(fitted(["trigger", "action", "token", "claim", "from"], claims));
  }
  if (s.roles) {
    out.push("");
    out.push("Roles");
    out.push(
      fitted(
        ["role", "name", "permissions (API -> scopes)"],
        s.roles.map((r) => [r.key, r.name, r.permissions.map((p) => `${p.api} -> ${p.scopes.join(" ")}`).join("; ") || "(none)"]),
      ),
    );
  }
  if (s.adopted) {
    out.push("");
    out.push("Adoption (the first pulumi up imports these existing objects instead of creating them)");
    out.push(
      table(
        ["resource", "adopts", "left as in Auth0 until adopt: is deleted"],
        s.adopted.map((a) => [`${a.type.split(":").pop()} ${a.name}`, `adopts ${a.importId}`, a.deferred.join(", ") || "-"]),
      ),
    );
    const deferred = s.adopted.filter((a) => a.deferred.length > 0).length;
    if (deferred > 0)
      out.push(
        `Second deployment: once the first pulumi up has imported everything, delete adopt:; the next pulumi up sets the ${deferred} resource(s) above to the spec (the inputs in the last column). While adopt: stays, they are never applied.`,
      );
  }
  if (s.createNotes) {
    out.push("");
    out.push("Creates next to adopted objects (what the provider does if the object already has them)");
    for (const n of s.createNotes) out.push(`  - ${n.type.split(":").pop()} ${n.name}: ${n.note}`);
  }
  out.push("");
  out.push(`Resources: ${s.resourceTotal}`);
  out.push(
    fitted(
      ["type", "count"],
      Object.entries(s.resourceCounts).map(([t, n]) => [t, String(n)]),
    ),
  );
  if (warnings.length > 0) {
    out.push("");
    out.push("Warnings");
    for (const w of warnings) out.push(`  - ${formatIssue(w)}`);
  }
  return out.join("\n");
}

export function renderErrors(source: string, errors: SpecIssue[]): string {
  return [`${source}: ${errors.length} error${errors.length === 1 ? "" : "s"}; nothing would be declared.`, ...issueLines(errors)].join(
    "\n",
  );
}
