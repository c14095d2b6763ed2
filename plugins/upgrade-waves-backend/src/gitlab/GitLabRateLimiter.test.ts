import fc from 'fast-check';
import { GitLabRateLimiter, LimiterClock } from './GitLabRateLimiter';
import { busiestWindow } from './__testUtils__/busiestWindow';

// lets every pending promise chain run: macrotasks come after all microtasks
const settle = () => new Promise<void>(resolve => setImmediate(resolve));

/** Time that moves only when `run` moves it, from one sleeper's wake-up to the next. */
class ManualClock implements LimiterClock {
  #now = 0;
  #timers: Array<{ at: number; wake: () => void }> = [];

  /** @param earlyMs - how much sooner than asked every sleep ends, as a coarse timer might */
  constructor(private readonly earlyMs = 0) {}

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise(wake => {
      // early, but never so early that no time passes
      const at = this.#now + Math.max(Math.min(ms, 1), ms - this.earlyMs, 0);
      this.#timers.push({ at, wake });
    });
  }

  /** Wakes every sleeper in time order (ties in the order they slept) until none is left. */
  async run(): Promise<void> {
    for (;;) {
      await settle();
      if (this.#timers.length === 0) return;
      this.#timers.sort((a, b) => a.at - b.at);
      const next = this.#timers.shift()!;
      this.#now = Math.max(this.#now, next.at);
      next.wake();
    }
  }
}

/** Callers arriving at the given times; resolves with the time each one was let through. */
async function startTimes(
  limiter: GitLabRateLimiter,
  clock: ManualClock,
  arrivals: number[],
): Promise<number[]> {
  const starts = Promise.all(
    arrivals.map(async arrival => {
      await clock.sleep(arrival);
      await limiter.acquire();
      return clock.now();
    }),
  );
  await clock.run();
  return starts;
}

describe('GitLabRateLimiter', () => {
  it('lets a burst through in windows of at most the limit', async () => {
    const clock = new ManualClock();
    const limiter = new GitLabRateLimiter({ limit: 10, clock });
    const starts = await startTimes(limiter, clock, Array(25).fill(0));
    expect(starts).toEqual([
      ...Array(10).fill(0),
      ...Array(10).fill(60_000),
      ...Array(5).fill(120_000),
    ]);
  });

  it('defaults to 600 requests a minute', async () => {
    const clock = new ManualClock();
    const limiter = new GitLabRateLimiter({ clock });
    expect(limiter.limit).toBe(600);
    expect(limiter.windowMs).toBe(60_000);
    const starts = await startTimes(limiter, clock, Array(601).fill(0));
    expect(starts.filter(at => at === 0)).toHaveLength(600);
    expect(starts[600]).toBe(60_000);
  });

  it('never lets more than the limit start in any window, and starts each caller as soon as that allows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1_000, 60_000),
        fc.array(fc.integer({ min: 0, max: 180_000 }), {
          minLength: 1,
          maxLength: 60,
        }),
        async (limit, windowMs, arrivals) => {
          const clock = new ManualClock();
          const limiter = new GitLabRateLimiter({ limit, windowMs, clock });
          const starts = await startTimes(limiter, clock, arrivals);

          expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(limit);

          // first come, first served, each at the earliest moment the window permits
          const served = arrivals
            .map((arrival, index) => ({ arrival, start: starts[index] }))
            .sort((a, b) => a.arrival - b.arrival);
          const earliest: number[] = [];
          served.forEach(({ arrival }, k) => {
            earliest.push(
              Math.max(
                arrival,
                k > 0 ? earliest[k - 1] : 0,
                k >= limit ? earliest[k - limit] + windowMs : 0,
              ),
            );
          });
          expect(served.map(s => s.start)).toEqual(earliest);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds the limit when sleeps end early', async () => {
    const clock = new ManualClock(7);
    const limiter = new GitLabRateLimiter({ limit: 3, windowMs: 1_000, clock });
    const starts = await startTimes(
      limiter,
      clock,
      Array.from({ length: 30 }, (_, i) => i * 40),
    );
    expect(busiestWindow(starts, 1_000)).toBe(3);
  });

  it('starts nothing before the end of a hold-off GitLab asked for', async () => {
    const clock = new ManualClock();
    const limiter = new GitLabRateLimiter({ limit: 10, clock });
    await limiter.holdOff(5_000);
    expect(await limiter.blockedUntil()).toBeInstanceOf(Date);
    const starts = await startTimes(limiter, clock, [0, 0, 7_000]);
    expect(starts).toEqual([5_000, 5_000, 7_000]);
    expect(await limiter.blockedUntil()).toBeUndefined();
  });

  it('lets a waiting caller go when its signal aborts, and serves the next one', async () => {
    const clock = new ManualClock();
    const limiter = new GitLabRateLimiter({ limit: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const reason = new Error('lease lost');
    const given = limiter.acquire({ signal: controller.signal });
    const next = limiter.acquire();
    controller.abort(reason);
    await expect(given).rejects.toBe(reason);
    const served = next.then(() => clock.now());
    await clock.run();
    // the one that gave up took no slot: the next starts a window after the first
    await expect(served).resolves.toBe(60_000);
  });

  it('refuses a limit or window that is not positive', () => {
    expect(() => new GitLabRateLimiter({ limit: 0 })).toThrow(RangeError);
    expect(() => new GitLabRateLimiter({ limit: 1.5 })).toThrow(RangeError);
    expect(() => new GitLabRateLimiter({ windowMs: 0 })).toThrow(RangeError);
  });
});
