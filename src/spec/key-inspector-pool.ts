import { availableParallelism } from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { inspectBlocks, type BlockReport, type KeyBlock } from "./key-inspector.cjs";

/**
 * Inspects many key blocks over the machine's cores: this thread and a worker thread per other core take chunks of
 * blocks from one queue until it is empty, so a slow or late worker only takes fewer chunks. Fewer blocks than
 * WORKER_THRESHOLD are inspected in this thread alone: a worker's start (a thread, an isolate, jose) costs more than
 * it saves on a small plan. A worker that fails hands its chunk back to the queue; results keep the blocks' order.
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

export async function inspectKeyBlocks(blocks: KeyBlock[], options: PoolOptions = {}): Promise<BlockReport[]> {
  const {
    workers = Math.min(MAX_WORKERS, availableParallelism() - 1),
    threshold = WORKER_THRESHOLD,
    chunk: size = CHUNK,
    script = SCRIPT,
  } = options;
  if (blocks.length < threshold || workers < 1) return inspectBlocks(blocks);
  const results: BlockReport[] = new Array(blocks.length);
  const queue: number[] = [];
  for (let start = 0; start < blocks.length; start += size) queue.push(start);
  const chunk = (start: number) => blocks.slice(start, start + size);
  const store = (start: number, reports: BlockReport[]) => reports.forEach((r, i) => (results[start + i] = r));

  // Between its chunks this thread lets the workers' answers in (inspection is synchronous), or it would take them all.
  const inThread = async () => {
    for (let start = queue.shift(); start !== undefined; start = queue.shift()) {
      store(start, inspectBlocks(chunk(start)));
      await new Promise(setImmediate);
    }
  };
  const onWorker = (worker: Worker) =>
    new Promise<void>((resolve) => {
      let current: number | undefined;
      const next = () => {
        current = queue.shift();
        if (current === undefined) return resolve();
        worker.postMessage({ id: current, blocks: chunk(current) });
      };
      worker.on("message", (m: { id: number; results?: BlockReport[]; error?: string }) => {
        if (!m.results) return fail();
        store(m.id, m.results);
        next();
      });
      const fail = () => {
        if (current !== undefined) queue.push(current);
        current = undefined;
        worker.removeAllListeners("message");
        resolve();
      };
      worker.once("error", fail);
      worker.once("exit", fail);
      next();
    });

  const pool = Array.from({ length: workers }, () => new Worker(script, { workerData: WORKER_DATA }));
  try {
    await Promise.all([inThread(), ...pool.map(onWorker)]);
    // Chunks a failed worker handed back after this thread had finished its share.
    await inThread();
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
