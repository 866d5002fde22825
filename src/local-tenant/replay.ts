/**
 * Single-use assertions: remembers each (client, jti) until the assertion's exp, then forgets it, so memory stays
 * proportional to the assertions alive in the last 5 minutes.
 */
export class JtiCache {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly sweepEveryMs = 10_000) {}

  /** Records the jti; false when it was already used and has not expired yet. */
  use(clientId: string, jti: string, expSeconds: number, nowMs: number): boolean {
    if (nowMs >= this.nextSweep) this.sweep(nowMs);
    const key = `${clientId}\u0000${jti}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.seen.set(key, expSeconds * 1000);
    return true;
  }

  sweep(nowMs: number) {
    for (const [key, until] of this.seen) if (until <= nowMs) this.seen.delete(key);
    this.nextSweep = nowMs + this.sweepEveryMs;
  }

  get size() {
    return this.seen.size;
  }
}
