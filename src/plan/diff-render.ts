import { createHash } from "node:crypto";
import { inspectPublicKeys } from "../spec/public-key";
import { printable } from "../text/printable";
import { PLAIN, type Style } from "../text/style";
import { Opaque, type PropertyChange, type ResourceChange, type ResourceDiff, type ResourceOp } from "./diff";

/**
 * The resource diff for people (`+ ~ - +-` per resource and property, as `pulumi preview --diff` and `terraform plan`
 * print them) and for programs (--json). Public keys are shown by thumbprint, long text (an action's code) by size and
 * hash, secrets as [secret].
 */

const SYMBOL: Record<ResourceOp, string> = { create: "+", import: "=", update: "~", replace: "+-", delete: "-" };
const PROPERTY: Record<PropertyChange["kind"], string> = { add: "+", update: "~", delete: "-" };

/** The thumbprint of each public key PEM the diff holds. */
export type Thumbprints = ReadonlyMap<string, string>;

const PEM = /^-----BEGIN [A-Z ]+-----/;
const LONG = 200;
/** Unmanaged objects the text names; --json lists them all. */
const LISTED = 20;

/** A value as shown: PEM bodies and long text shortened, secrets and unknowns by their marker. */
export function shown(value: unknown, thumbprints: Thumbprints): unknown {
  if (value instanceof Opaque) return value.toJSON();
  if (typeof value === "string") {
    if (PEM.test(value)) return `<public key, thumbprint ${thumbprints.get(value) ?? "unknown"}>`;
    if (value.length > LONG || value.includes("\n"))
      return `<${Buffer.byteLength(value)} bytes, sha256 ${createHash("sha256").update(value).digest("hex").slice(0, 16)}>`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => shown(v, thumbprints));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v, thumbprints)]));
  return value;
}

/** The RFC 7638 thumbprint of every public key PEM in the diff. */
export async function thumbprintsIn(diff: ResourceDiff): Promise<Thumbprints> {
  const pems = pemsIn(diff);
  const facts = await inspectPublicKeys(pems);
  return new Map(
    pems.flatMap((pem, i) => {
      const f = facts[i];
      return f && !(f instanceof Error) ? [[pem, f.thumbprint] as const] : [];
    }),
  );
}

function pemsIn(diff: ResourceDiff): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string" && PEM.test(v)) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null && !(v instanceof Opaque)) Object.values(v).forEach(walk);
  };
  for (const r of diff.resources) for (const c of r.changes) (walk(c.before), walk(c.after));
  return [...found];
}

const text = (value: unknown, thumbprints: Thumbprints) => {
  const v = shown(value, thumbprints);
  return printable(typeof v === "string" && (value instanceof Opaque || v.startsWith("<")) ? v : JSON.stringify(v));
};

/** "3 to add, 1 to change, 1 to replace, 0 to delete". */
export function diffSummary(diff: ResourceDiff): string {
  const c = diff.counts;
  return [
    `${c.create} to add`,
    ...(c.import > 0 ? [`${c.import} to import`] : []),
    `${c.update} to change`,
    `${c.replace} to replace`,
    `${c.delete} to delete`,
  ]
    .join(", ")
    .concat(` (${c.same} unchanged)`);
}

function opText(r: ResourceChange): string {
  if (r.op === "replace") return `replace: ${r.replacedBy!.join(", ")} ${r.replacedBy!.length > 1 ? "force" : "forces"} it`;
  if (r.op === "import") return `import ${r.id}`;
  return r.op;
}

export function renderDiffText(diff: ResourceDiff, thumbprints: Thumbprints, look: Style = PLAIN): string {
  const paint = (op: ResourceOp | PropertyChange["kind"], s: string) =>
    op === "create" || op === "add" || op === "import"
      ? look.ok(s)
      : op === "delete"
        ? look.error(s)
        : op === "replace"
          ? look.risk("high", s)
          : look.risk("medium", s);
  const out = [look.heading(printable(`Resource diff against ${diff.baseline}`)), ""];
  for (const r of diff.resources) {
    const name = printable(r.name);
    const protect = r.protect && (r.op === "replace" || r.op === "delete") ? " [protected: pulumi up stops here]" : "";
    out.push(`${paint(r.op, SYMBOL[r.op].padEnd(2))} ${printable(r.type)} ${look.bold(name)} (${printable(opText(r))})${protect}`);
    for (const c of r.changes) {
      const value =
        c.kind === "add"
          ? text(c.after, thumbprints)
          : c.kind === "delete"
            ? text(c.before, thumbprints)
            : `${text(c.before, thumbprints)} => ${text(c.after, thumbprints)}`;
      out.push(
        `      ${paint(c.kind, PROPERTY[c.kind])} ${printable(c.path)}: ${value}${c.replaces ? look.risk("high", " (forces replacement)") : ""}`,
      );
    }
  }
  if (diff.resources.length === 0) out.push("No changes.");
  out.push("", diffSummary(diff));
  if (diff.unmanaged.length > 0)
    out.push(
      `Not managed by this stack (pulumi up leaves them alone): ${diff.unmanaged.length} object(s) in the tenant: ${diff.unmanaged
        .slice(0, LISTED)
        .map((u) => printable(`${u.type.split(":").at(-1)} ${u.name}${u.id !== undefined && u.id !== u.name ? ` (${u.id})` : ""}`))
        .join(", ")}${diff.unmanaged.length > LISTED ? `, and ${diff.unmanaged.length - LISTED} more (--json lists them all)` : ""}`,
    );
  for (const n of diff.notes) out.push(`Note: ${printable(n)}`);
  return out.join("\n") + "\n";
}

/** The diff as --json shows it: values shortened and redacted as in the text. */
export function diffJson(diff: ResourceDiff, thumbprints: Thumbprints) {
  return {
    baseline: diff.baseline,
    summary: diffSummary(diff),
    counts: diff.counts,
    resources: diff.resources.map((r) => ({
      ...r,
      changes: r.changes.map((c) => ({
        ...c,
        ...("before" in c ? { before: shown(c.before, thumbprints) } : {}),
        ...("after" in c ? { after: shown(c.after, thumbprints) } : {}),
      })),
    })),
    unmanaged: diff.unmanaged,
    notes: diff.notes,
  };
}

/** What `--fail-on` stopped on, for stderr: "replace ClientGrant reporting/orders-api, delete Client legacy-batch". */
export function failingText(failing: readonly ResourceChange[], listed = 5): string {
  const names = failing.slice(0, listed).map((r) => printable(`${r.op} ${r.type.split(":").at(-1)} ${r.name}`));
  return `${failing.length} resource(s): ${names.join(", ")}${failing.length > listed ? ", …" : ""}`;
}
