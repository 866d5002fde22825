import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "node:fs";

/** Files the project reads (keys, action sources, event files) are small; anything larger is refused unread. */
export const MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024;

export class NotARegularFile extends Error {
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
 * be swapped between check and read. Synchronous: a tenant reads thousands of small key files, and each asynchronous
 * call is a round trip through libuv's thread pool (at 5,000 keys that was most of the file reading time).
 */
export function readRegularFile(file: string, maxBytes = MAX_PROJECT_FILE_BYTES, options: { noFollow?: boolean } = {}): string {
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
      throw new NotARegularFile(file, `is ${kind}, not a regular file (allowed: regular files only)`, info.isDirectory());
    }
    if (info.size > maxBytes) throw new NotARegularFile(file, `is ${info.size} bytes (allowed: at most ${maxBytes})`);
    // One read of the size fstat gave, plus a byte to notice growth; a file that grew is read on to its end.
    const buffer = Buffer.allocUnsafe(info.size + 1);
    const got = readSync(fd, buffer, 0, buffer.length, null);
    const text = (got <= info.size ? buffer.subarray(0, got) : Buffer.concat([buffer, readFileSync(fd)])).toString("utf8");
    if (Buffer.byteLength(text) > maxBytes) throw new NotARegularFile(file, `grew beyond ${maxBytes} bytes while being read`);
    return text;
  } finally {
    closeSync(fd);
  }
}
