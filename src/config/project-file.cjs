"use strict";
/*
 * How the project reads a file it does not trust (a key, an action source, a stack file): the mechanics of
 * src/config/regular-file.ts and src/config/files.ts, which word the TypeScript API around them. Plain CommonJS so that
 * the same code runs in the calling thread and on a worker thread that reads a big tenant's key files while the calling
 * thread parses its spec (src/config/read-ahead.ts); the worker needs no loader.
 *
 * As a worker (workerData { tag, root, reads? }): receives { id, files: [{ path, bytes, allowed }] } and answers
 * { id, results } in the files' order, each { text } | { missing } | { problem } | { limit: { bytes, file } } | { retry }.
 * `reads` is the command's read budget ({ counter: SharedArrayBuffer of one BigInt64, limit }): a file is charged on it
 * before it is read, as in the calling thread, so the two threads share one limit.
 */

const { closeSync, constants, fstatSync, openSync, readSync, realpathSync } = require("node:fs");
const path = require("node:path");

/** A file the project will not read as text: not a regular file, too large, or not UTF-8. */
class FileRefused extends Error {
  constructor(file, reason, directory = false) {
    super(`${file}: ${reason}`);
    this.file = file;
    this.reason = reason;
    /** A directory is "no file here" to a reader of project paths, not an error. */
    this.directory = directory;
  }
}

/** A project path the reader refuses: outside the project, or a file it will not read (the message says which and why). */
class ProjectFileProblem extends Error {}

/**
 * The text of `file` if it is a regular file of at most `maxBytes` (see src/config/regular-file.ts); `charge(bytes,
 * file)` counts bytes before they are read and throws to refuse them.
 */
function readRegularFile(file, maxBytes, allowed, noFollow, charge) {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (noFollow ? constants.O_NOFOLLOW : 0));
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
    charge?.(info.size, file);
    // The size fstat gave plus a byte to notice growth, then bounded chunks for a file that grew.
    const chunks = [Buffer.allocUnsafe(info.size + 1)];
    let total = readSync(fd, chunks[0], 0, chunks[0].length, null);
    chunks[0] = chunks[0].subarray(0, total);
    while (total > info.size) {
      if (total > maxBytes) throw new FileRefused(file, `grew beyond ${maxBytes} bytes while being read`);
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      total += got;
      charge?.(got, file);
    }
    return decodeUtf8(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), file);
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
function decodeUtf8(bytes, file) {
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
function firstInvalidUtf8(bytes) {
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

const isMissing = (e) => ["ENOENT", "ENOTDIR"].includes((e && e.code) ?? "");

function realOrMissing(file) {
  try {
    return realpathSync.native(file);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/**
 * Reads files by their path relative to `root` (see directoryReader in src/config/files.ts): undefined for a missing
 * file or a directory; ProjectFileProblem for a path outside the project (also through a symbolic link: the real path
 * must be inside the real root) and for anything but a regular file of bounded size.
 */
function projectFiles(root) {
  const base = path.resolve(root);
  let realRoot;
  // Real paths of directories, once each: a tenant's thousands of keys share one or two (realpath is several syscalls).
  const realDirs = new Map();
  const realDir = (dir) => {
    if (!realDirs.has(dir)) realDirs.set(dir, realOrMissing(dir));
    return realDirs.get(dir);
  };
  const inside = (real, relativePath) => {
    realRoot ??= realpathSync.native(base);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep))
      throw new ProjectFileProblem(
        `${relativePath} leads outside the project through a symbolic link (to ${real}); allowed: files whose real path is inside it`,
      );
  };
  return (relativePath, maxBytes, allowed, charge) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep))
      throw new ProjectFileProblem(`${relativePath} is outside the project (allowed: files inside it)`);
    if (full === base) return undefined;
    const dir = realDir(path.dirname(full));
    if (dir === undefined) return undefined;
    inside(dir, relativePath);
    try {
      try {
        // The file itself must not be a link (O_NOFOLLOW); one that is is read through its real path, checked first.
        return readRegularFile(path.join(dir, path.basename(full)), maxBytes, allowed, true, charge);
      } catch (e) {
        if (e.code !== "ELOOP") throw e;
        const real = realOrMissing(full);
        if (real === undefined) return undefined;
        inside(real, relativePath);
        return readRegularFile(real, maxBytes, allowed, false, charge);
      }
    } catch (e) {
      if (isMissing(e)) return undefined;
      if (e instanceof FileRefused) {
        if (e.directory) return undefined;
        throw new ProjectFileProblem(`${relativePath} ${e.reason}`);
      }
      throw e;
    }
  };
}

const WORKER_TAG = "auth0-tenant project file reader";

/** The read budget's refusal, as the calling thread words it (CommandBudget.readRefusal). */
class ReadLimit extends Error {
  constructor(bytes, file) {
    super("read limit");
    this.bytes = bytes;
    this.file = file;
  }
}

/** Answers each file as the calling thread's reader would settle, with the budget charged on the shared counter. */
function readForCaller(read, reads) {
  const counter = reads && new BigInt64Array(reads.counter);
  return (file) => {
    let charged = 0n;
    const charge =
      counter &&
      ((bytes, at) => {
        const more = BigInt(bytes);
        charged += more;
        if (Number(Atomics.add(counter, 0, more) + more) > reads.limit) throw new ReadLimit(bytes, at);
      });
    try {
      const text = read(file.path, file.bytes, file.allowed, charge);
      return text === undefined ? { missing: true } : { text };
    } catch (e) {
      if (e instanceof ProjectFileProblem) return { problem: e.message };
      if (e instanceof ReadLimit) return { limit: { bytes: e.bytes, file: e.file } };
      // Anything else (a permission, an I/O error) is read again by the caller, whose own error it then is: this
      // thread's charge is taken back so the file is counted once.
      if (counter && charged > 0n) Atomics.sub(counter, 0, charged);
      return { retry: true };
    }
  };
}

const { parentPort, workerData } = require("node:worker_threads");
if (parentPort && workerData && workerData.tag === WORKER_TAG) {
  const answer = readForCaller(projectFiles(workerData.root), workerData.reads);
  parentPort.on("message", ({ id, files }) => parentPort.postMessage({ id, results: files.map(answer) }));
}

module.exports = { FileRefused, ProjectFileProblem, WORKER_TAG, decodeUtf8, projectFiles, readRegularFile };
