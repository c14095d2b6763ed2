import { backoffDelay, parseRetryAfter, retry, RetryDecision } from './retry';

class Flaky extends Error {
  constructor(readonly decision?: RetryDecision) {
    super('flaky');
  }
}

const retryable = (error: unknown) =>
  error instanceof Flaky ? error.decision : undefined;

/** An operation that fails with the given errors, then answers `done`. */
function failing(...errors: Error[]) {
  const attempts: number[] = [];
  const operation = async (attempt: number) => {
    attempts.push(attempt);
    const error = errors.shift();
    if (error) throw error;
    return 'done';
  };
  return { operation, attempts };
}

describe('retry', () => {
  it('retries retryable failures with full-jitter exponential backoff', async () => {
    const waits: number[] = [];
    const { operation, attempts } = failing(
      new Flaky({}),
      new Flaky({}),
      new Flaky({}),
    );
    await expect(
      retry(operation, {
        retryable,
        baseDelayMs: 100,
        maxDelayMs: 250,
        random: () => 0.5,
        sleep: async ms => {
          waits.push(ms);
        },
      }),
    ).resolves.toBe('done');
    expect(attempts).toEqual([1, 2, 3, 4]);
    // half of the ceilings 100, 200, then 250 (capped)
    expect(waits).toEqual([50, 100, 125]);
  });

  it('waits at least the Retry-After the server asked for', async () => {
    const waits: number[] = [];
    const { operation } = failing(
      new Flaky({ retryAfterMs: 1_000 }),
      new Flaky({ retryAfterMs: 0 }),
    );
    await retry(operation, {
      retryable,
      baseDelayMs: 100,
      random: () => 0.99,
      sleep: async ms => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([1_000, 198]);
  });

  it('rethrows the last failure after the last attempt', async () => {
    const errors = Array.from({ length: 6 }, () => new Flaky({}));
    const { operation, attempts } = failing(...errors);
    await expect(
      retry(operation, { retryable, sleep: async () => {} }),
    ).rejects.toBe(errors[5]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('takes the number of attempts from its options', async () => {
    const { operation, attempts } = failing(new Flaky({}), new Flaky({}));
    await expect(
      retry(operation, { retryable, maxAttempts: 2, sleep: async () => {} }),
    ).rejects.toBeInstanceOf(Flaky);
    expect(attempts).toEqual([1, 2]);
  });

  it('rethrows a failure that is not retryable at once', async () => {
    const final = new Error('final');
    const { operation, attempts } = failing(final);
    const sleep = jest.fn(async () => {});
    await expect(retry(operation, { retryable, sleep })).rejects.toBe(final);
    expect(attempts).toEqual([1]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('gives up instead of waiting out a Retry-After beyond its bound', async () => {
    const throttled = new Flaky({ retryAfterMs: 3_600_000 });
    const { operation, attempts } = failing(throttled);
    const sleep = jest.fn(async () => {});
    await expect(retry(operation, { retryable, sleep })).rejects.toBe(
      throttled,
    );
    expect(attempts).toEqual([1]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('tells onRetry about each wait', async () => {
    const onRetry = jest.fn();
    const first = new Flaky({ retryAfterMs: 5 });
    const { operation } = failing(first);
    await retry(operation, {
      retryable,
      random: () => 0,
      sleep: async () => {},
      onRetry,
    });
    expect(onRetry).toHaveBeenCalledWith({
      error: first,
      attempt: 1,
      delayMs: 5,
    });
  });

  it('refuses a number of attempts below one', async () => {
    await expect(
      retry(async () => 1, { retryable, maxAttempts: 0 }),
    ).rejects.toThrow(RangeError);
  });
});

describe('backoffDelay', () => {
  it('draws below a ceiling that doubles up to the maximum', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 30_000 };
    expect(backoffDelay(1, { ...options, random: () => 0.999 })).toBe(499);
    expect(backoffDelay(4, { ...options, random: () => 0.999 })).toBe(3_996);
    expect(backoffDelay(20, { ...options, random: () => 0.999 })).toBe(29_970);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as the time until it', () => {
    expect(parseRetryAfter('Sat, 10 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 10 Jan 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
