import { randomBytes } from "node:crypto";

/**
 * Short-lived server-side records (login transactions, authorization codes, sessions, refresh tokens) under random
 * unguessable ids, each forgotten at its expiry. The store is bounded: past `maxEntries` live records, a new one is
 * refused (the caller answers "try again") rather than evicting a live record, which could cut a login in half.
 */
export class ExpiringStore<T> {
  private readonly records = new Map<string, { value: T; expiresAt: number }>();
  private nextSweep = 0;

  constructor(
    private readonly now: () => number,
    readonly maxEntries = 100_000,
    private readonly sweepEveryMs = 10_000,
  ) {}

  /** Stores a record for `ttlMs`; its id (32 random bytes, base64url), or undefined when the store is full. */
  add(value: T, ttlMs: number): string | undefined {
    this.sweepIfDue();
    if (this.records.size >= this.maxEntries) return undefined;
    const id = randomBytes(32).toString("base64url");
    this.records.set(id, { value, expiresAt: this.now() + ttlMs });
    return id;
  }

  get(id: string | undefined): T | undefined {
    if (id === undefined) return undefined;
    const record = this.records.get(id);
    if (!record) return undefined;
    if (record.expiresAt <= this.now()) {
      this.records.delete(id);
      return undefined;
    }
    return record.value;
  }

  /** Reads and removes: the record can be taken once (single-use codes). */
  take(id: string | undefined): T | undefined {
    const value = this.get(id);
    if (value !== undefined) this.records.delete(id!);
    return value;
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  /** Removes every record the predicate selects (a revoked refresh token family, a logged-out session). */
  deleteWhere(predicate: (value: T) => boolean): void {
    for (const [id, record] of this.records) if (predicate(record.value)) this.records.delete(id);
  }

  get size() {
    return this.records.size;
  }

  private sweepIfDue() {
    const now = this.now();
    if (now < this.nextSweep && this.records.size < this.maxEntries) return;
    for (const [id, record] of this.records) if (record.expiresAt <= now) this.records.delete(id);
    this.nextSweep = now + this.sweepEveryMs;
  }
}
