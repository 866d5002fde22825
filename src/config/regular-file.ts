import { commandBudget } from "../command-budget";
import { decodeUtf8, FileRefused, readRegularFile as readWithin } from "./project-file.cjs";

export { decodeUtf8, FileRefused };

/** Files the project reads (keys, action sources, event files) are small; anything larger is refused unread. */
export const MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024;

/** At most this many bytes, or a bound with its own description (the limit and how to raise it). */
export type SizeBound = number | { bytes: number; text: string };

/** The bound's bytes and how an error states it. */
export const boundOf = (bound: SizeBound): { bytes: number; allowed: string } =>
  typeof bound === "number" ? { bytes: bound, allowed: `${bound}` } : { bytes: bound.bytes, allowed: bound.text };

/**
 * Reads a file only if it is a regular file of at most `maxBytes`: a FIFO, a device or a socket (which could block a
 * command forever or feed it endless data) is refused without reading, as is an oversized file. The file is opened
 * non-blocking, so even opening a FIFO cannot hang; the checks are made on the opened descriptor, so the file cannot
 * be swapped between check and read. A file that reports a wrong size (a /proc file says 0, a growing file) is read
 * in chunks with a running count, never past `maxBytes` + 1; the command's read budget is charged before any byte is
 * read. The bytes must be UTF-8 (see decodeUtf8). Synchronous: a tenant reads thousands of small key files, and each
 * asynchronous call is a round trip through libuv's thread pool. The mechanics are in project-file.cjs.
 */
export function readRegularFile(file: string, bound: SizeBound = MAX_PROJECT_FILE_BYTES, options: { noFollow?: boolean } = {}): string {
  const { bytes, allowed } = boundOf(bound);
  const budget = commandBudget();
  return readWithin(file, bytes, allowed, options.noFollow === true, budget && ((n, at) => budget.chargeBytes(n, at)));
}
