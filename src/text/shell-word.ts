import * as path from "node:path";

/**
 * A path or value as one word of a POSIX shell command line, for the commands the CLI prints for people to paste:
 * as it is when it holds only characters no shell treats specially, else in single quotes (a quote inside becomes '\'').
 */
export const shellWord = (value: string): string => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

/** ` --dir <project>` for a printed command, when the project is not the directory it will be run from (else ""). */
export const dirFlag = (dir: string, cwd = process.cwd()): string =>
  path.resolve(cwd, dir) === path.resolve(cwd) ? "" : ` --dir ${shellWord(dir)}`;
