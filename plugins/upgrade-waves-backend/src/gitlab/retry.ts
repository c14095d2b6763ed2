import { setTimeout as delay } from 'node:timers/promises';

/** What a failure means for the next attempt. */
export interface RetryDecision {
  /** How long the server asked to wait (its `Retry-After`), when it said. */
  retryAfterMs?: number;
}

export interface RetryOptions {
  /** Attempts in all, the first one included; 6 by default. */
  maxAttempts?: number;
  /** The backoff ceiling of the first retry, doubled for each further one; 500 ms by default. */
  baseDelayMs?: number;
  /** The largest backoff ceiling; 30 s by default. */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this ends the retries instead of stalling the caller; 120 s by default. */
  maxRetryAfterMs?: number;
  /** Undefined when the failure is final; a decision when another attempt may succeed. */
  retryable(error: unknown): RetryDecision | undefined;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); `Math.random` by default. */
  random?: () => number;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (event: {
    error: unknown;
    attempt: number;
    delayMs: number;
  }) => void;
}

/**
 * The wait before retry number `nth` (1 for the first): "full jitter", a uniform draw below an
 * exponentially growing ceiling, so that many clients throttled together do not come back
 * together.
 */
export function backoffDelay(
  nth: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
): number {
  const ceiling = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** (nth - 1),
  );
  return Math.floor(options.random() * ceiling);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // an IMF-fixdate names its day and month; Date.parse would read "-5" as a year
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Runs `operation` until it succeeds, fails for good, or runs out of attempts; the last
 * failure is rethrown as it was. A retry waits the larger of its backoff and the server's
 * `Retry-After`, so it never comes back sooner than asked.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const {
    maxAttempts = 6,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    maxRetryAfterMs = 120_000,
    sleep = (ms: number) => delay(ms),
    random = Math.random,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(
      `maxAttempts must be a positive whole number, not ${maxAttempts}`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.retryable(error);
      if (!decision || attempt >= maxAttempts) throw error;
      const { retryAfterMs } = decision;
      if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
        throw error;
      }
      const delayMs = Math.max(
        retryAfterMs ?? 0,
        backoffDelay(attempt, { baseDelayMs, maxDelayMs, random }),
      );
      options.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs);
    }
  }
}
