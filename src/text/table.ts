/**
 * A plain-text table: columns padded to their widest cell, two spaces apart. Given a width (a terminal's columns),
 * the widest columns are narrowed until the table fits, and cells cut there end with "…"; without one (a pipe, a
 * file) nothing is cut.
 */
export function table(headers: string[], rows: string[][], width = Infinity): string {
  const natural = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? "").length), h.length));
  const widths = fit(natural, width);
  const cell = (text: string, w: number) => (text.length > w ? `${text.slice(0, Math.max(0, w - 1))}…` : text.padEnd(w));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cell(c, widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Column widths that fit `width` (with two-space gaps), taking from the widest column first, never below 6. */
function fit(natural: number[], width: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 6) break;
    widths[widest] = widths[widest]! - 1;
  }
  return widths;
}
