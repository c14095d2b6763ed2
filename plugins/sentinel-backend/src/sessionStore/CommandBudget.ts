/**
 * A number of Redis commands per minute that the session-store sampling may spend on a node, so that sampling
 * a production replica stays a trickle however often it runs.
 */
export class CommandBudget {
  private windowStart = -Infinity;
  private used = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes up to `n` commands from this minute's budget; returns how many it may send. */
  take(n: number): number {
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.used = 0;
    }
    const granted = Math.max(0, Math.min(n, this.perMinute - this.used));
    this.used += granted;
    return granted;
  }
}
