/**
 * Single-use assertions: remembers each (client, jti) until the assertion's exp, then forgets it, so memory stays
 * proportional to the assertions alive in the last 5 minutes.
 */
export class JtiCache {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly sweepEveryMs = 10_000,
    /** A hard bound: past it, new assertions are refused (never forgetting a live jti, which would allow a replay). */
    readonly maxEntries = 1_000_000,
  ) {}

  /** Records the jti: "used" when it was already used and has not expired, "full" when the bound is reached. */
  use(clientId: string, jti: string, expSeconds: number, nowMs: number): "ok" | "used" | "full" {
    if (nowMs >= this.nextSweep || this.seen.size >= this.maxEntries) this.sweep(nowMs);
    const key = `${clientId}\u0000${jti}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return "used";
    if (this.seen.size >= this.maxEntries) return "full";
    this.seen.set(key, expSeconds * 1000);
    return "ok";
  }

  sweep(nowMs: number) {
    for (const [key, until] of this.seen) if (until <= nowMs) this.seen.delete(key);
    this.nextSweep = nowMs + this.sweepEveryMs;
  }

  get size() {
    return this.seen.size;
  }
}
