import { formatIssue } from "../spec";
import { printable } from "../text/printable";
import { PLAIN, type Style } from "../text/style";
import { RISK_ORDER, SECTIONS, type Change } from "./changes";
import { byRisk, type ReviewReport } from "./review";

/** Marks the sticky PR comment so CI can find and update it. */
export const COMMENT_MARKER = "<!-- auth0-tenant-review -->";

/** Every high-risk change is listed at the top; medium ones up to this many. */
const MAX_MEDIUM_IN_SUMMARY = 8;

const LABEL = { high: "HIGH", medium: "MEDIUM", low: "low", info: "info" } as const;
const HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Text in the Markdown report: the one way names (from a spec, a pull request or a live tenant) reach it. No HTML (a
 * `<!--` would hide the rest of the comment), no link, image, code span, emphasis or table cell boundary, one line.
 * An `_` between letters or digits stays as it is: it never opens or closes emphasis there (CommonMark, 6.2).
 */
export const markdownText = (s: string): string =>
  printable(s)
    .replace(/[&<>]/g, (c) => HTML[c]!)
    .replace(/[\\`*[\]|~]|_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_/gu, "\\$&");

/** Text as a code span: fenced by more backticks than it holds, on one line. */
const markdownCode = (s: string): string => {
  const text = printable(s);
  const fence = "`".repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  return `${fence} ${text} ${fence}`;
};

export function renderMarkdown(report: ReviewReport): string {
  const out: string[] = [COMMENT_MARKER, `## ${markdownText(report.title ?? `Auth0 tenant review: ${report.base} → ${report.head}`)}`, ""];
  const all = report.stacks.flatMap((s) => s.changes).sort(byRisk);
  const invalid = report.stacks.filter((s) => s.invalid);
  const counts = RISK_ORDER.filter((r) => report.counts[r] > 0)
    .map((r) => `${report.counts[r]} ${r}`)
    .join(", ");
  out.push(
    all.length || invalid.length
      ? `**${counts || "no changes"}** across ${report.stacks.length} stack${report.stacks.length === 1 ? "" : "s"}`
      : "No auth changes.",
  );
  const high = all.filter((c) => c.risk === "high");
  const medium = all.filter((c) => c.risk === "medium");
  const shownMedium = medium.slice(0, MAX_MEDIUM_IN_SUMMARY);
  if (high.length || medium.length || invalid.length) {
    out.push("");
    for (const s of invalid)
      out.push(`- **INVALID** ${markdownText(s.stack)}: the spec has errors; this review cannot vouch for it (see below)`);
    for (const c of [...high, ...shownMedium]) out.push(`- **${LABEL[c.risk]}** ${markdownText(c.stack)}: ${markdownText(c.text)}`);
    if (medium.length > shownMedium.length) out.push(`- … and ${medium.length - shownMedium.length} more medium-risk changes below`);
  }
  for (const s of report.stacks) {
    out.push("", `### ${markdownText(s.stack)} (${s.status})`);
    for (const inv of s.invalid ?? []) {
      out.push(
        "",
        `${inv.revision === "base" ? "Base" : "Head"} revision is invalid (${markdownText(inv.source)}):`,
        ...inv.errors.map((e) => `- ${markdownCode(formatIssue(e))}`),
      );
    }
    if (s.changes.length === 0 && !s.invalid) {
      out.push("", "No auth changes.");
      continue;
    }
    for (const [section, title] of Object.entries(SECTIONS)) {
      const rows = s.changes.filter((c) => c.section === section);
      if (rows.length === 0) continue;
      out.push("", `#### ${title}`, "", "| risk | change |", "| --- | --- |");
      for (const c of rows)
        out.push(`| ${LABEL[c.risk]} | ${markdownText(c.text)}${c.details ? `<br>${c.details.map(markdownText).join("<br>")}` : ""} |`);
    }
  }
  out.push("", "<sub>Risk levels are defined in src/review/risk.ts. Secret values are never shown.</sub>");
  return out.join("\n") + "\n";
}

/** The review for a terminal: the same content as the Markdown, as wrapped text with the risk levels highlighted. */
export function renderText(report: ReviewReport, look: Style = PLAIN, width = 100): string {
  const title = report.title ?? `Auth0 tenant review: ${report.base} → ${report.head}`;
  const out: string[] = [...wrap(title, width, "  ").map((l) => look.heading(l)), ""];
  const all = report.stacks.flatMap((s) => s.changes).sort(byRisk);
  const counts = RISK_ORDER.filter((r) => report.counts[r] > 0)
    .map((r) => look.risk(r, `${report.counts[r]} ${r}`))
    .join(", ");
  out.push(
    all.length || report.stacks.some((s) => s.invalid)
      ? `${counts || "no changes"} across ${report.stacks.length} stack${report.stacks.length === 1 ? "" : "s"}`
      : "No auth changes.",
  );
  const tag = (c: { risk: Change["risk"] }) => look.risk(c.risk, LABEL[c.risk].padEnd(6));
  for (const s of report.stacks) {
    out.push("", look.bold(`${s.stack} (${s.status})`));
    for (const inv of s.invalid ?? []) {
      out.push(look.error(`  ${inv.revision === "base" ? "base" : "head"} revision is invalid (${inv.source}):`));
      for (const e of inv.errors) out.push(...wrap(`    - ${formatIssue(e)}`, width, "      "));
    }
    if (s.changes.length === 0 && !s.invalid) out.push("  No auth changes.");
    for (const [section, title] of Object.entries(SECTIONS)) {
      const rows = s.changes.filter((c) => c.section === section);
      if (rows.length === 0) continue;
      out.push(`  ${look.dim(title)}`);
      for (const c of rows) {
        out.push(
          ...wrap(`    ${LABEL[c.risk].padEnd(6)} ${printable(c.text)}`, width, "           ").map((l, i) =>
            i === 0 ? l.replace(LABEL[c.risk].padEnd(6), tag(c)) : l,
          ),
        );
        for (const d of c.details ?? []) out.push(...wrap(`           ${printable(d)}`, width, "           "));
      }
    }
  }
  return out.join("\n") + "\n";
}

/** Wraps a line at spaces to `width`, continuing with `indent`. */
function wrap(line: string, width: number, indent: string): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(" ", width);
    const at = cut > indent.length ? cut : width;
    out.push(rest.slice(0, at));
    rest = indent + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

export const changesAtOrAbove = (report: ReviewReport, level: "high" | "medium"): Change[] =>
  report.stacks.flatMap((s) => s.changes).filter((c) => RISK_ORDER.indexOf(c.risk) <= RISK_ORDER.indexOf(level));
