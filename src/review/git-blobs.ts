import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { CommandBudget } from "../command-budget";
import { ProjectFileError } from "../errors";
import { decodeUtf8, FileRefused, type SizeBound } from "../config/regular-file";

interface Read {
  objectId: string;
  /** The path the blob was listed under, for messages. */
  name: string;
  bound: SizeBound;
  resolve: (text: string | undefined) => void;
  reject: (e: Error) => void;
}

/**
 * Reads files of one git revision through a single `git cat-file --batch` process: a review of a 10,000-application
 * tenant reads 10,000 key files per revision, and one `git show` process each would cost far more than the reading.
 * Requests are answered in the order they were written. A blob's size is checked (against its bound and the
 * command's read budget) from the header git sends before the body: an oversized blob is refused before any of its
 * body is kept, and the git process is replaced rather than drained of it.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  /** Bytes received and not yet consumed, in arrival order (joined once per reply, never per chunk). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The reply being received: its header has been read, its body (and git's newline after it) not yet. */
  private body: { type: string; size: number } | undefined;
  private readonly waiting: Read[] = [];
  /** Processes replaced by refuse(): their output and exit no longer concern anyone. */
  private readonly retired = new WeakSet<ChildProcessWithoutNullStreams>();

  constructor(
    private readonly repoDir: string,
    private readonly budget?: CommandBudget,
  ) {}

  /** A blob by its object id (git ls-tree gives them), refused when it is larger than `bound`. */
  read(objectId: string, name: string, bound: SizeBound): Promise<string | undefined> {
    if (!/^[0-9a-f]{40,64}$/.test(objectId)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.request({ objectId, name, bound, resolve, reject }));
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private request(read: Read): void {
    const child = this.start();
    this.waiting.push(read);
    if (this.waiting.length === 1) this.keepAlive(child, true);
    child.stdin.write(`${read.objectId}\n`);
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.repoDir, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => {
      if (this.retired.has(child)) return;
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.drain();
    });
    const fail = (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
      this.keepAlive(child, false);
    };
    child.on("error", (e) => {
      if (!this.retired.has(child)) fail(e);
    });
    child.on("exit", (code) => {
      if (this.retired.has(child)) return; // its pending reads went to the process that replaced it
      if (this.waiting.length > 0) fail(new Error(`git cat-file exited (${code}) with ${this.waiting.length} reads pending`));
      if (this.child === child) this.child = undefined;
    });
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.keepAlive(child, false);
    this.child = child;
    this.chunks = [];
    this.buffered = 0;
    this.body = undefined;
    return child;
  }

  /**
   * The git process keeps the command alive exactly while a read is pending: an idle reader must not hold the process
   * open (a command may end without closing it), and a pending one must (when nothing else is pending, a command that
   * awaits a blob would otherwise end with exit code 0 and no output).
   */
  private keepAlive(child: ChildProcessWithoutNullStreams, on: boolean): void {
    const stdout = child.stdout as unknown as { ref?: () => void; unref?: () => void };
    if (on) {
      child.ref();
      stdout.ref?.();
    } else {
      child.unref();
      stdout.unref?.();
    }
  }

  /** Answers as many pending reads as the received bytes hold whole replies for. */
  private drain(): void {
    for (;;) {
      const head = this.waiting[0];
      if (!head) {
        if (this.child) this.keepAlive(this.child, false);
        return;
      }
      if (!this.body) {
        const nl = this.newline();
        if (nl < 0) return;
        const header = this.take(nl + 1)
          .subarray(0, nl)
          .toString("utf8");
        if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
          this.waiting.shift()!.resolve(undefined);
          continue;
        }
        const [, type = "", sizeText] = header.split(" ");
        const size = Number(sizeText);
        const max = typeof head.bound === "number" ? head.bound : head.bound.bytes;
        if (!Number.isSafeInteger(size) || size > max) {
          const allowed = typeof head.bound === "number" ? head.bound : head.bound.text;
          return this.refuse(new ProjectFileError(`${head.name} is ${sizeText} bytes (allowed: at most ${allowed})`));
        }
        if (type === "blob") {
          try {
            this.budget?.chargeBytes(size, head.name);
          } catch (e) {
            return this.refuse(e as Error);
          }
        }
        this.body = { type, size };
      }
      if (this.buffered < this.body.size + 1) return; // the body (and its newline) is not all here yet
      const { type, size } = this.body;
      const bytes = this.take(size + 1).subarray(0, size);
      this.body = undefined;
      const read = this.waiting.shift()!;
      if (type !== "blob") read.resolve(undefined);
      else {
        try {
          read.resolve(decodeUtf8(bytes, read.name));
        } catch (e) {
          read.reject(e instanceof FileRefused ? new ProjectFileError(e.message) : (e as Error));
        }
      }
    }
  }

  /**
   * Refuses the read being received without receiving its body: the git process (which would send all of it) is
   * replaced, and the reads queued behind it are asked of the new one.
   */
  private refuse(error: Error): void {
    const old = this.child;
    const [refused, ...rest] = this.waiting.splice(0);
    this.child = undefined;
    this.chunks = [];
    this.buffered = 0;
    this.body = undefined;
    if (old) {
      this.retired.add(old);
      this.keepAlive(old, false);
      old.kill("SIGKILL");
    }
    refused!.reject(error);
    for (const read of rest) this.request(read);
  }

  /** Offset of the first newline in the received bytes, or -1. Headers are short and come first in a reply. */
  private newline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(10);
      if (at >= 0) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  /** Removes the first `n` received bytes and returns them as one Buffer. */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= need) {
        parts.push(chunk);
        this.chunks.shift();
        need -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, need));
        this.chunks[0] = chunk.subarray(need);
        need = 0;
      }
    }
    this.buffered -= n;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }
}
