import { ServiceUnavailableError } from '@backstage/errors';
import { setTimeout as delay } from 'node:timers/promises';
import { abortable } from '../abortable';

/**
 * What every GitLab request passes before it is sent: a rate limit, and the hold-off GitLab asks for with
 * `Retry-After`. One per GitLab host; {@link SharedGitLabRateLimiter} shares it between replicas.
 */
export interface GitLabRequestLimiter {
  /**
   * Resolves when one more request may start, and counts it as started then. Rejects with the signal's reason
   * when the caller gives up first, and with a {@link GitLabWaitError} when the wait would be too long.
   */
  acquire(options?: { signal?: AbortSignal }): Promise<void>;
  /** GitLab asked (with `Retry-After`) that no request be sent to it for `ms` from now. */
  holdOff(ms: number): Promise<void>;
  /** Until when GitLab asked to be left alone, while that is in the future; undefined otherwise. */
  blockedUntil(): Promise<Date | undefined>;
}

/** A GitLab call gave up waiting for its turn: GitLab is waited for until `until`. Retryable (503). */
export class GitLabWaitError extends ServiceUnavailableError {
  constructor(message: string, readonly until: Date) {
    super(message);
  }
}

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
export class GitLabRateLimiter implements GitLabRequestLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #clock: LimiterClock;
  // ascending start times of at most `limit` requests
  readonly #starts: number[] = [];
  #queue: Promise<void> = Promise.resolve();
  // on #clock; no request starts before it
  #blockedUntil = -Infinity;

  constructor(options: GitLabRateLimiterOptions = {}) {
    const { limit = 600, windowMs = 60_000, clock = systemClock } = options;
    checkRateLimit(limit, windowMs);
    this.limit = limit;
    this.windowMs = windowMs;
    this.#clock = clock;
  }

  /** Resolves when one more request may start, and counts it as started then. */
  acquire(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    const turn = this.#queue.then(() => this.#takeSlot(signal));
    this.#queue = turn.catch(() => undefined);
    return signal ? abortable(turn, signal) : turn;
  }

  async holdOff(ms: number): Promise<void> {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now() + ms);
  }

  async blockedUntil(): Promise<Date | undefined> {
    const left = this.#blockedUntil - this.#clock.now();
    return left > 0 ? new Date(Date.now() + left) : undefined;
  }

  async #takeSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      // a caller that gave up while queued takes no slot
      signal?.throwIfAborted();
      const now = this.#clock.now();
      if (this.#blockedUntil > now) {
        await this.#clock.sleep(this.#blockedUntil - now);
        continue;
      }
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

/** Throws a RangeError unless `limit` requests per `windowMs` is a rate. */
export function checkRateLimit(limit: number, windowMs: number): void {
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
}
