import { availableParallelism } from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { inspectBlocks, type BlockReport, type KeyBlock } from "./key-inspector.cjs";

/**
 * Inspects many key blocks over the machine's cores: this thread and a worker thread per other core take chunks of
 * blocks from one queue until it is empty, so a slow or late worker only takes fewer chunks. Blocks may be added while
 * the caller is still reading key files: the workers start once WORKER_THRESHOLD blocks are waiting and inspect while
 * this thread reads on. Fewer blocks in all are inspected in this thread alone: a worker's start (a thread, an isolate)
 * costs more than it saves on a small plan. A worker that fails hands its chunk back to the queue; results keep the
 * blocks' order.
 */
export const WORKER_THRESHOLD = 2000;
const CHUNK = 200;
const MAX_WORKERS = 7;
/** Beside this file in the sources and in the compiled CLI (cli/auth0-tenant.mjs copies it there). */
const SCRIPT = path.join(__dirname, "key-inspector.cjs");
const WORKER_DATA = "auth0-tenant key inspector";

export interface PoolOptions {
  workers?: number;
  threshold?: number;
  chunk?: number;
  /** The worker's script (tests start one that fails). */
  script?: string;
}

export interface KeyBlockInspection {
  /** Queues blocks; their reports come from done(), after those of the blocks added before them. */
  add(blocks: KeyBlock[]): void;
  /** The reports of every block added, in order; the workers end. Call once, after the last add. */
  done(): Promise<BlockReport[]>;
}

export async function inspectKeyBlocks(blocks: KeyBlock[], options: PoolOptions = {}): Promise<BlockReport[]> {
  const inspection = keyBlockInspection(options);
  inspection.add(blocks);
  return inspection.done();
}

/** An inspection that takes blocks as they come (see the file's comment). */
export function keyBlockInspection(options: PoolOptions = {}): KeyBlockInspection {
  const {
    workers = Math.min(MAX_WORKERS, availableParallelism() - 1),
    threshold = WORKER_THRESHOLD,
    chunk: size = CHUNK,
    script = SCRIPT,
  } = options;
  const blocks: KeyBlock[] = [];
  const results: BlockReport[] = [];
  /** Starts of the chunks no thread has taken; blocks before `queuedTo` are in a chunk. */
  const queue: number[] = [];
  let queuedTo = 0;
  /** Workers waiting for a chunk: `take` gives one, `finish` ends the wait once no more will come. */
  const idle: { take: (start: number) => void; finish: () => void }[] = [];
  const pool: Worker[] = [];
  const running: Promise<void>[] = [];
  let closing = false;

  const chunkAt = (start: number) => blocks.slice(start, start + size);
  const store = (start: number, reports: BlockReport[]) => reports.forEach((r, i) => (results[start + i] = r));
  const offer = (start: number) => {
    const waiting = idle.shift();
    if (waiting) waiting.take(start);
    else queue.push(start);
  };
  const queueChunks = (all: boolean) => {
    for (; queuedTo < blocks.length && (all || queuedTo + size <= blocks.length); queuedTo += size) offer(queuedTo);
  };

  // A worker holds the process open only while it has a chunk: one left waiting (a caller that failed before done())
  // must not keep a command from ending.
  const onWorker = (worker: Worker) =>
    new Promise<void>((resolve) => {
      let current: number | undefined;
      const waiting = {
        take: (start: number) => {
          current = start;
          worker.ref();
          worker.postMessage({ id: start, blocks: chunkAt(start) });
        },
        finish: () => resolve(),
      };
      const next = () => {
        current = undefined;
        const start = queue.shift();
        if (start !== undefined) return waiting.take(start);
        if (closing) return resolve();
        worker.unref();
        idle.push(waiting);
      };
      worker.on("message", (m: { id: number; results?: BlockReport[]; error?: string }) => {
        if (!m.results) return fail();
        store(m.id, m.results);
        next();
      });
      const fail = () => {
        const at = idle.indexOf(waiting);
        if (at >= 0) idle.splice(at, 1);
        if (current !== undefined) queue.push(current);
        current = undefined;
        worker.removeAllListeners("message");
        resolve();
      };
      worker.once("error", fail);
      worker.once("exit", fail);
      next();
    });
  const startWorkers = () => {
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(script, { workerData: WORKER_DATA });
      pool.push(worker);
      running.push(onWorker(worker));
    }
  };

  // Between its chunks this thread lets the workers' answers in, or it would take them all.
  const inThread = async () => {
    for (let start = queue.shift(); start !== undefined; start = queue.shift()) {
      store(start, await inspectBlocks(chunkAt(start)));
      await new Promise(setImmediate);
    }
  };

  return {
    add(more) {
      if (closing) throw new Error("key inspection: add() after done()");
      for (const block of more) blocks.push(block);
      if (pool.length === 0 && workers > 0 && blocks.length >= threshold) startWorkers();
      queueChunks(false);
    },
    async done() {
      closing = true;
      if (pool.length === 0) {
        if (blocks.length < threshold || workers < 1) return inspectBlocks(blocks);
        startWorkers();
      }
      queueChunks(true);
      for (const waiting of idle.splice(0)) waiting.finish();
      try {
        await Promise.all([inThread(), ...running]);
        // Chunks a failed worker handed back after this thread had finished its share.
        await inThread();
      } finally {
        await Promise.all(pool.map((w) => w.terminate()));
      }
      return results;
    },
  };
}
