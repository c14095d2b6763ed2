import { setTimeout as delay } from 'node:timers/promises';

/** Time as the limiter sees it; tests give a manual one. */
export interface LimiterClock {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: LimiterClock = {
  now: () => performance.now(),
  sleep: ms => delay(ms),
};

export interface GitLabRateLimiterOptions {
  /** Most request starts in any window; 600 by default. */
  limit?: number;
  /** The window, 60 000 ms unless a test shortens it. */
  windowMs?: number;
  clock?: LimiterClock;
}

/**
 * The one limiter every GitLab request of the backend passes, retries included.
 *
 * It keeps the start times of the last `limit` requests (a sliding-window log) and lets a
 * request start at time `t` only while fewer than `limit` requests started in `(t - windowMs, t]`.
 * Hence the guarantee: for the sorted start times `s`, `s[i + limit] - s[i] >= windowMs`, so no
 * window `[a, a + windowMs)` holds more than `limit` starts. Callers are served first come,
 * first served.
 */
export class GitLabRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #clock: LimiterClock;
  // ascending start times of at most `limit` requests
  readonly #starts: number[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(options: GitLabRateLimiterOptions = {}) {
    const { limit = 600, windowMs = 60_000, clock = systemClock } = options;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `A GitLab rate limit is a positive whole number of requests, not ${limit}`,
      );
    }
    if (!(windowMs > 0)) {
      throw new RangeError(
        `A GitLab rate-limit window is a positive duration, not ${windowMs}`,
      );
    }
    this.limit = limit;
    this.windowMs = windowMs;
    this.#clock = clock;
  }

  /** Resolves when one more request may start, and counts it as started then. */
  acquire(): Promise<void> {
    const turn = this.#queue.then(() => this.#takeSlot());
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #takeSlot(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      while (
        this.#starts.length > 0 &&
        this.#starts[0] <= now - this.windowMs
      ) {
        this.#starts.shift();
      }
      if (this.#starts.length < this.limit) {
        this.#starts.push(now);
        return;
      }
      // sleeping can end a little early or late; the loop checks again either way
      await this.#clock.sleep(this.#starts[0] + this.windowMs - now);
    }
  }
}
