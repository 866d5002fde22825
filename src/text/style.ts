import { createColors } from "picocolors";

/** How terminal output is styled: colours when the output is a terminal and the user has not turned them off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  heading(s: string): string;
  risk(level: "high" | "medium" | "low" | "info", s: string): string;
  error(s: string): string;
  ok(s: string): string;
}

export function style(enabled: boolean): Style {
  const c = createColors(enabled);
  return {
    bold: c.bold,
    dim: c.dim,
    heading: (s) => c.bold(c.cyan(s)),
    risk: (level, s) => (level === "high" ? c.bold(c.red(s)) : level === "medium" ? c.yellow(s) : level === "low" ? c.green(s) : c.dim(s)),
    error: c.red,
    ok: c.green,
  };
}

/** Plain text, for pipes and files. */
export const PLAIN: Style = style(false);
