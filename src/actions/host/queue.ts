import { MAX_BATCH } from "./limits";
import type { Reply } from "./replies";
import type { HostFailure } from "./failure";

/** A request sent to the child and not yet answered. */
export interface Awaited {
  id: number;
  limitMs: number;
  what: string;
  resolve: (reply: Reply) => void;
  reject: (error: HostFailure) => void;
}

/** A call waiting for the child's next frame. */
export interface QueuedCall extends Awaited {
  header: { id: number; sha: string; trigger: string; handler: string; timeoutMs: number; eventBytes: number };
  /** The event as JSON text, and its length in UTF-8 bytes. */
  event: { text: string; bytes: number };
  /** Sent in a frame of its own (a call tried again after a child was stopped while it ran beside others). */
  solo: boolean;
}

/**
 * The queued calls as frames: one bundle's calls per frame (a batch's calls overlap: only one action's), at most
 * MAX_BATCH, in the order they were queued; a solo call alone.
 */
export function batchesOf(queued: readonly QueuedCall[]): QueuedCall[][] {
  const batches: QueuedCall[][] = [];
  const open = new Map<string, QueuedCall[]>();
  for (const c of queued) {
    let batch = c.solo ? undefined : open.get(c.header.sha);
    if (!batch || batch.length >= MAX_BATCH) {
      batch = [];
      batches.push(batch);
      if (!c.solo) open.set(c.header.sha, batch);
    }
    batch.push(c);
  }
  return batches;
}
