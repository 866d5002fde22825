import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { commandBudget } from "../command-budget";
import { ProjectFileError } from "../errors";
import { WORKER_TAG, type WorkerAnswer } from "./project-file.cjs";

export type FileReader = (relativePath: string) => Promise<string | undefined>;

/** How one file's read settled: its text (undefined: no such file), or what the reader threw. */
export type ReadAnswer = { text: string | undefined } | { error: unknown };

/** Many files read in order, possibly off this thread while it works on (a big tenant's key files). */
export interface ReadAhead {
  /** Starts reading these files, after those of earlier calls; answers each as the reader's own call would settle. */
  read(relativePaths: string[]): Promise<ReadAnswer[]>;
  /** Ends the reading (a worker's thread); files not yet answered are not read. */
  close(): void;
}

/** A reader that can read many files ahead of their use (directoryReader). */
export interface AheadReader extends FileReader {
  ahead(expected: number): ReadAhead;
}

/**
 * The reader's own read-ahead for `expected` files, or one that reads each file through the reader when asked (a git
 * revision's reader batches its own round trips).
 */
export function readAhead(reader: FileReader, expected: number): ReadAhead {
  if ("ahead" in reader) return (reader as AheadReader).ahead(expected);
  return {
    read: (paths) =>
      Promise.all(
        paths.map((p) =>
          reader(p).then(
            (text) => ({ text }),
            (error: unknown) => ({ error }),
          ),
        ),
      ),
    close: () => undefined,
  };
}

/**
 * Below this many files a read-ahead reads in this thread: a worker's start costs more than it saves. Above it, a
 * worker thread reads the files (project-file.cjs, with this thread's rules and the command's read budget) while this
 * thread goes on, e.g. parsing the next applications of the spec.
 */
export const WORKER_THRESHOLD = 1000;
/** Beside this file in the sources and in the compiled CLI (cli/auth0-tenant.mjs copies it there). */
const SCRIPT = path.join(__dirname, "project-file.cjs");

export interface WorkerReadOptions {
  /** The bound of each file: its bytes, and how a refusal states the limit. */
  boundOf: (relativePath: string) => { bytes: number; allowed: string };
  threshold?: number;
  /** The worker's script (tests start one that fails). */
  script?: string;
}

/**
 * A read-ahead of files under `root` on a worker thread, for `expected` files or more; `readHere` is this thread's
 * reader (the same rules). The worker reads the files in the order they are asked for, charging each on the command's
 * read budget before reading it, as this thread would, so the limit refuses the same file with the same error. A
 * worker that cannot start or stops hands its unanswered files back to `readHere` (a file it had read before stopping
 * is then counted twice: the budget can only refuse earlier, never later). A file the worker could not read for
 * another reason (a permission, an I/O error) is read again here, so the error is this thread's own.
 */
export function workerReadAhead(
  root: string,
  readHere: (relativePath: string) => string | undefined,
  expected: number,
  options: WorkerReadOptions,
): ReadAhead {
  const { threshold = WORKER_THRESHOLD, script = SCRIPT, boundOf } = options;
  const here = (relativePath: string): ReadAnswer => {
    try {
      return { text: readHere(relativePath) };
    } catch (error) {
      return { error };
    }
  };
  if (expected < threshold) return { read: async (paths) => paths.map(here), close: () => undefined };

  const budget = commandBudget();
  /** Files posted to the worker and not yet answered, by message id (in the order they were posted). */
  const pending = new Map<number, { paths: string[]; resolve: (answers: ReadAnswer[]) => void }>();
  let nextId = 0;
  let closed = false;
  let worker: Worker | undefined;
  const stopped = () => {
    if (worker === undefined) return;
    worker = undefined;
    const left = [...pending.values()];
    pending.clear();
    if (!closed) for (const { paths, resolve } of left) resolve(paths.map(here));
  };
  const fromWorker = (relativePath: string, answer: WorkerAnswer): ReadAnswer => {
    if ("text" in answer) return { text: answer.text };
    if ("missing" in answer) return { text: undefined };
    if ("problem" in answer) return { error: new ProjectFileError(answer.problem) };
    if ("limit" in answer && budget) return { error: budget.readRefusal(answer.limit.bytes, answer.limit.file) };
    return here(relativePath);
  };
  try {
    worker = new Worker(script, { workerData: { tag: WORKER_TAG, root: path.resolve(root), reads: budget?.sharedReads } });
    worker.on("message", (m: { id: number; results?: WorkerAnswer[] }) => {
      const batch = pending.get(m.id);
      if (!batch || !m.results) return;
      pending.delete(m.id);
      batch.resolve(batch.paths.map((p, i) => fromWorker(p, m.results![i]!)));
      // A worker holds the process open only while it has files to read.
      if (pending.size === 0) worker?.unref();
    });
    worker.once("error", stopped);
    worker.once("exit", stopped);
  } catch {
    worker = undefined;
  }
  return {
    read(paths) {
      if (closed) throw new Error("read-ahead: read() after close()");
      if (!worker) return Promise.resolve(paths.map(here));
      const id = nextId++;
      const answers = new Promise<ReadAnswer[]>((resolve) => pending.set(id, { paths, resolve }));
      worker.ref();
      worker.postMessage({ id, files: paths.map((p) => ({ path: p, ...boundOf(p) })) });
      return answers;
    },
    close() {
      closed = true;
      pending.clear();
      void worker?.terminate();
    },
  };
}
