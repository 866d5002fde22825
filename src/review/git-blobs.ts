import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ProjectFileError } from "../errors";
import { MAX_PROJECT_FILE_BYTES } from "../config/regular-file";

/**
 * Reads files of one git revision through a single `git cat-file --batch` process: a review of a 10,000-application
 * tenant reads 10,000 key files per revision, and one `git show` process each would cost far more than the reading.
 * Requests are answered in the order they were written.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  private buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (text: string | undefined) => void; reject: (e: Error) => void; name: string }[] = [];

  constructor(private readonly repoDir: string) {}

  /** A blob by its object id (git ls-tree gives them); `name` is the path it was listed under, for messages. */
  read(objectId: string, name: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40,64}$/.test(objectId)) return Promise.resolve(undefined);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject, name });
      if (this.waiting.length === 1) this.keepAlive(child, true);
      child.stdin.write(`${objectId}\n`);
    });
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.repoDir, stdio: ["pipe", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
      this.keepAlive(child, false);
    };
    child.on("error", fail);
    child.on("exit", (code) => {
      if (this.waiting.length > 0) fail(new Error(`git cat-file exited (${code}) with ${this.waiting.length} reads pending`));
      if (this.child === child) this.child = undefined;
    });
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.keepAlive(child, false);
    this.child = child;
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

  /** Answers as many pending reads as the buffer holds whole replies for. */
  private drain(): void {
    for (;;) {
      if (this.waiting.length === 0) {
        if (this.child) this.keepAlive(this.child, false);
        return;
      }
      const nl = this.buffer.indexOf(10);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const [, type, sizeText] = header.split(" ");
      const size = Number(sizeText);
      if (this.buffer.length < nl + 1 + size + 1) return; // the body is not all here yet
      const body = this.buffer.subarray(nl + 1, nl + 1 + size);
      this.buffer = this.buffer.subarray(nl + 1 + size + 1);
      const pending = this.waiting.shift()!;
      if (type !== "blob") pending.resolve(undefined);
      else if (size > MAX_PROJECT_FILE_BYTES)
        pending.reject(new ProjectFileError(`${pending.name} is ${size} bytes (allowed: at most ${MAX_PROJECT_FILE_BYTES})`));
      else pending.resolve(body.toString("utf8"));
    }
  }
}
