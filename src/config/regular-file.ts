import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { commandBudget } from "../command-budget";

/** Files the project reads (keys, action sources, event files) are small; anything larger is refused unread. */
export const MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024;

/** At most this many bytes, or a bound with its own description (the limit and how to raise it). */
export type SizeBound = number | { bytes: number; text: string };

/** A file the project will not read as text: not a regular file, too large, or not UTF-8. */
export class FileRefused extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** A directory is "no file here" to a reader of project paths, not an error. */
    readonly directory = false,
  ) {
    super(`${file}: ${reason}`);
  }
}

/**
 * Reads a file only if it is a regular file of at most `maxBytes`: a FIFO, a device or a socket (which could block a
 * command forever or feed it endless data) is refused without reading, as is an oversized file. The file is opened
 * non-blocking, so even opening a FIFO cannot hang; the checks are made on the opened descriptor, so the file cannot
 * be swapped between check and read. A file that reports a wrong size (a /proc file says 0, a growing file) is read
 * in chunks with a running count, never past `maxBytes` + 1. The bytes must be UTF-8 (see decodeUtf8). Synchronous: a
 * tenant reads thousands of small key files, and each asynchronous call is a round trip through libuv's thread pool.
 */
export function readRegularFile(file: string, bound: SizeBound = MAX_PROJECT_FILE_BYTES, options: { noFollow?: boolean } = {}): string {
  const maxBytes = typeof bound === "number" ? bound : bound.bytes;
  const allowed = typeof bound === "number" ? `${bound}` : bound.text;
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (options.noFollow ? constants.O_NOFOLLOW : 0));
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) {
      const kind = info.isFIFO()
        ? "a FIFO"
        : info.isCharacterDevice() || info.isBlockDevice()
          ? "a device"
          : info.isSocket()
            ? "a socket"
            : info.isDirectory()
              ? "a directory"
              : "not a regular file";
      throw new FileRefused(file, `is ${kind}, not a regular file (allowed: regular files only)`, info.isDirectory());
    }
    if (info.size > maxBytes) throw new FileRefused(file, `is ${info.size} bytes (allowed: at most ${allowed})`);
    const budget = commandBudget();
    budget?.chargeBytes(info.size, file);
    // The size fstat gave plus a byte to notice growth, then bounded chunks for a file that grew.
    const chunks = [Buffer.allocUnsafe(info.size + 1)];
    let total = readSync(fd, chunks[0]!, 0, chunks[0]!.length, null);
    chunks[0] = chunks[0]!.subarray(0, total);
    while (total > info.size) {
      if (total > maxBytes) throw new FileRefused(file, `grew beyond ${maxBytes} bytes while being read`);
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      budget?.chargeBytes(got, file);
    }
    return decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), file);
  } finally {
    closeSync(fd);
  }
}

// ignoreBOM keeps a byte-order mark in the text, so the text re-encodes to the file's exact bytes (git blob ids).
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The text of UTF-8 bytes; anything else is refused, naming where the first invalid byte is. Every file the project
 * reads is UTF-8 (YAML, JSON, PEM, TypeScript): decoding a stray byte into U+FFFD would plan and deploy a value
 * nobody wrote.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const { offset, line, column, byte } = firstInvalidUtf8(bytes);
    throw new FileRefused(
      file,
      `is not UTF-8 text: byte ${offset} (line ${line}, column ${column}) is 0x${byte.toString(16).padStart(2, "0")}; allowed: UTF-8 text only (save the file as UTF-8)`,
    );
  }
}

/** Where the first byte that is not UTF-8 sits: the lenient decoder's first U+FFFD that is not one the file wrote. */
function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number; byte: number } {
  const text = lenientUtf8.decode(bytes);
  for (let i = text.indexOf("\uFFFD"); i >= 0; i = text.indexOf("\uFFFD", i + 1)) {
    const before = text.slice(0, i);
    const offset = Buffer.byteLength(before, "utf8");
    // U+FFFD written in the file is EF BF BD; a replaced byte is anything else.
    if (bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd) continue;
    const line = before.split("\n").length;
    return { offset, line, column: i - before.lastIndexOf("\n"), byte: bytes[offset] ?? 0 };
  }
  return { offset: bytes.length, line: text.split("\n").length, column: 0, byte: 0 };
}
