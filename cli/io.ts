import { ProjectError, UsageError } from "../src/errors";
import { style, type Style } from "../src/text/style";

/** Exit codes of every command (README, "Command line"). */
import { EXIT } from "../src/exit-codes";

export { EXIT };

/**
 * Where a command writes: stdout carries only its result (JSON for --json), everything else goes to stderr. Tests run
 * commands in-process with their own Io.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: text for people (colour, fitted tables); otherwise plain text or JSON for programs. */
  isTTY: boolean;
  /** stderr is a terminal: progress lines are shown. */
  errTTY: boolean;
  /** The terminal's width when stdout is one; Infinity otherwise (nothing is cut in a pipe). */
  columns: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colour for stdout (set from the TTY, NO_COLOR, FORCE_COLOR and --no-color). */
  look: Style;
  /** Colour for stderr, by the same rules from stderr's own TTY (a redirected stderr gets no escape codes). */
  errLook: Style;
}

export function processIo(argv: string[]): Io {
  const isTTY = process.stdout.isTTY === true;
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY,
    errTTY: process.stderr.isTTY === true,
    // A terminal may report 0 columns (a pseudo-terminal before its first resize): then the usual default.
    columns: isTTY ? process.stdout.columns || 100 : Infinity,
    env: process.env,
    cwd: process.cwd(),
    look: style(colourWanted(isTTY, process.env, argv)),
    errLook: style(colourWanted(process.stderr.isTTY === true, process.env, argv)),
  };
}

/** NO_COLOR (https://no-color.org) and --no-color turn colour off; FORCE_COLOR turns it on; else only on a terminal. */
export function colourWanted(isTTY: boolean, env: NodeJS.ProcessEnv, argv: string[]): boolean {
  if (argv.includes("--no-color") || (env.NO_COLOR !== undefined && env.NO_COLOR !== "")) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTTY;
}

export { UsageError } from "../src/errors";

/** The command ran and the answer is "no": a deny from an action (exit 3). */
export class Denied extends ProjectError {
  readonly code = "ERR_DENIED";
}

/** A line that updates in place on a terminal's stderr while long work runs; silent when stderr is not a terminal. */
export function progress(io: Io, label: string): { update(text: string): void; done(text?: string): void } {
  if (!io.errTTY) return { update: () => undefined, done: () => undefined };
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let i = 0;
  let last = "";
  const draw = () => io.err(`\r\x1b[2K${frames[i++ % frames.length]} ${label}${last ? `: ${last}` : ""}`);
  const timer = setInterval(draw, 120);
  timer.unref();
  draw();
  return {
    update: (text) => {
      last = text;
    },
    done: (text) => {
      clearInterval(timer);
      io.err(`\r\x1b[2K${text ? `${label}: ${text}\n` : ""}`);
    },
  };
}
