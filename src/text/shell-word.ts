/**
 * A path or value as one word of a POSIX shell command line, for the commands the CLI prints for people to paste:
 * as it is when it holds only characters no shell treats specially, else in single quotes (a quote inside becomes '\'').
 */
export const shellWord = (value: string): string => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);
