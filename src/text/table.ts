import { stripVTControlCharacters } from "node:util";

/**
 * A plain-text table: columns padded to their widest cell, two spaces apart. Given a width (a terminal's columns), the
 * table is fitted to it without cutting anything (a credential's name, a key id, a scope or a URL is copied from
 * here): cells wrap at spaces, never inside a word; when even that does not fit, the column with the longest word
 * moves to a line of its own under each row (`  thumbprint (RFC 7638): …`). Without a width (a pipe, a file) the
 * table is laid out on one line per row.
 */
export function table(headers: string[], rows: string[][], width = Infinity): string {
  const cell = (r: string[], i: number) => r[i] ?? "";
  const longestWord = (i: number) =>
    Math.max(visible(headers[i]!.split(" ").reduce((a, b) => (b.length > a.length ? b : a), "")), ...rows.map((r) => longest(cell(r, i))));
  const natural = (i: number) => rows.reduce((w, r) => Math.max(w, visible(cell(r, i))), visible(headers[i]!));
  let inline = headers.map((_, i) => i);
  const below: number[] = [];
  const gaps = (n: number) => 2 * (n - 1);
  while (inline.length > 1 && inline.reduce((s, i) => s + longestWord(i), 0) + gaps(inline.length) > width) {
    const widest = inline.reduce((a, b) => (longestWord(b) > longestWord(a) ? b : a));
    inline = inline.filter((i) => i !== widest);
    below.push(widest);
  }
  below.sort((a, b) => a - b);
  const widths = fit(inline.map(natural), inline.map(longestWord), width);
  const line = (cells: string[]) => {
    const wrapped = inline.map((i, at) => wrapWords(cells[i] ?? "", widths[at]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, at) =>
      wrapped
        .map((lines, i) => pad(lines[at] ?? "", widths[i]!))
        .join("  ")
        .trimEnd(),
    ).join("\n");
  };
  const row = (r: string[]) =>
    [line(r), ...below.filter((i) => cell(r, i) !== "").flatMap((i) => wrapWords(`  ${headers[i]}: ${cell(r, i)}`, width, "    "))].join(
      "\n",
    );
  const rule = headers.map((_, i) => (inline.includes(i) ? "-".repeat(widths[inline.indexOf(i)]!) : ""));
  return [line(headers), line(rule), ...rows.map(row)].join("\n");
}

const visible = (s: string) => stripVTControlCharacters(s).length;
const longest = (s: string) =>
  Math.max(
    0,
    ...stripVTControlCharacters(s)
      .split(" ")
      .map((w) => w.length),
  );
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - visible(s)));

/**
 * Text as lines of at most `w` visible characters, broken at spaces only: a word longer than `w` stays whole on a line
 * of its own. Continuation lines start with `indent`.
 */
export function wrapWords(text: string, w: number, indent = ""): string[] {
  if (visible(text) <= w) return [text];
  const lead = /^ */.exec(text)![0];
  const plain = stripVTControlCharacters(text).slice(lead.length);
  const lines: string[] = [];
  let current = lead;
  for (const word of plain.split(" ")) {
    const fresh = current.trim() === "";
    const candidate = fresh ? current + word : `${current} ${word}`;
    if (visible(candidate) <= w || fresh) current = candidate;
    else {
      lines.push(current);
      current = indent + word;
    }
  }
  lines.push(current);
  return lines;
}

/** Column widths that fit `width` (two-space gaps), taking from the widest column first, never below its longest word. */
function fit(natural: number[], floor: number[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const candidates = widths.map((w, i) => (w > floor[i]! ? w : -1));
    const widest = candidates.indexOf(Math.max(...candidates));
    if (candidates[widest]! < 0) break;
    widths[widest] = widths[widest]! - 1;
  }
  return widths;
}
