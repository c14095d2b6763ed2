import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { GitLabSandbox, istioReleaseFiles } from '@fleetdeck/sandbox';
import type { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { GitLabMergeRequests } from './GitLabMergeRequests';
import { GitLabWaitError } from './GitLabRateLimiter';
import {
  SharedGitLabRateLimiter,
  SharedLimiterClock,
} from './SharedGitLabRateLimiter';
import { busiestWindow } from './__testUtils__/busiestWindow';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const T0 = Date.parse('2026-12-04T12:00:00.000Z');

/** Time that moves only when the test wakes a sleeper; every replica reads it, as they would the database's. */
class SteppedClock implements SharedLimiterClock {
  nowMs = T0;
  sleepers: Array<{ at: number; wake: () => void }> = [];

  async now(): Promise<number> {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = { at: this.nowMs + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter(s => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Wakes the earliest sleeper (the first to sleep among ties), moving time to its hour. */
  wakeNext(): void {
    let next = 0;
    this.sleepers.forEach((s, i) => {
      if (s.at < this.sleepers[next].at) next = i;
    });
    const [sleeper] = this.sleepers.splice(next, 1);
    this.nowMs = Math.max(this.nowMs, sleeper.at);
    sleeper.wake();
  }
}

/** Polls until `condition` holds; fails after 20 s. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}

/**
 * Callers arriving at the given times at the given replicas; resolves with the time each one was let through.
 * Time moves on only once every caller that has arrived is asleep in its replica's limiter (or queued behind
 * one that is), so the replicas race in the database exactly as they would at that instant.
 */
async function startTimes(
  replicas: SharedGitLabRateLimiter[],
  clock: SteppedClock,
  arrivals: Array<{ replica: number; at: number }>,
): Promise<number[]> {
  const arriving = new Set(arrivals.map((_, i) => i));
  const acquiring = replicas.map(() => 0);
  const starts: number[] = [];
  const all = Promise.all(
    arrivals.map(async ({ replica, at }, i) => {
      await clock.sleep(at);
      arriving.delete(i);
      acquiring[replica]++;
      await replicas[replica].acquire();
      acquiring[replica]--;
      starts[i] = clock.nowMs - T0;
    }),
  );
  let finished = false;
  all.then(() => {
    finished = true;
  });
  const quiet = () =>
    finished ||
    clock.sleepers.length ===
      arriving.size + acquiring.filter(n => n > 0).length;
  for (;;) {
    await waitFor(quiet, 'every replica to be asleep');
    if (finished) break;
    clock.wakeNext();
  }
  await all;
  return starts;
}

describe.each(databases.eachSupportedId())(
  'SharedGitLabRateLimiter (%s)',
  id => {
    let knex: Knex;
    let clock: SteppedClock;

    beforeEach(async () => {
      knex = await databases.init(id);
      await applyMigrations(knex);
      clock = new SteppedClock();
    });

    const replica = (
      options: Partial<
        ConstructorParameters<typeof SharedGitLabRateLimiter>[0]
      > = {},
    ) =>
      new SharedGitLabRateLimiter({
        knex,
        host: 'gitlab.example.com',
        limit: 3,
        windowMs: 1_000,
        clock,
        ...options,
      });

    it('lets two replicas together start no more than the limit in a window', async () => {
      const replicas = [replica(), replica()];
      const starts = await startTimes(replicas, clock, [
        ...Array.from({ length: 5 }, () => ({ replica: 0, at: 0 })),
        ...Array.from({ length: 5 }, () => ({ replica: 1, at: 0 })),
      ]);
      // one budget of 3 a second between them, not 3 each
      expect([...starts].sort((a, b) => a - b)).toEqual([
        0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 3_000,
      ]);
    });

    it('holds the limit for callers arriving at odd moments at either replica', async () => {
      const replicas = [replica(), replica()];
      // a fixed, irregular pattern: bursts, stragglers and arrivals right at window edges
      const times = [
        0, 10, 10, 400, 999, 1_000, 1_000, 1_001, 1_500, 1_999, 2_000, 2_003,
        2_600, 2_600, 2_600, 4_100,
      ];
      const arrivals = times.map((at, i) => ({ replica: i % 2, at }));
      const starts = await startTimes(replicas, clock, arrivals);
      expect(busiestWindow(starts, 1_000)).toBe(3);
      starts.forEach((start, i) =>
        expect(start).toBeGreaterThanOrEqual(times[i]),
      );
    });

    it('keeps separate budgets for separate GitLab hosts', async () => {
      const starts = await startTimes(
        [replica(), replica({ host: 'gitlab.other.example.com' })],
        clock,
        Array.from({ length: 6 }, (_, i) => ({ replica: i % 2, at: 0 })),
      );
      expect(starts).toEqual([0, 0, 0, 0, 0, 0]);
    });

    it('makes every replica wait out a Retry-After of 300 s that one of them was sent', async () => {
      const sandbox = await GitLabSandbox.start();
      try {
        sandbox.createProject({
          path: 'platform/gitops-test',
          files: istioReleaseFiles('test-1', '1.22.3'),
        });
        sandbox.injectFaults({ status: 429, times: 1, retryAfterSeconds: 300 });
        const host = new URL(sandbox.url).host;
        const blocked: Date[] = [];
        const client = (limiter: SharedGitLabRateLimiter) =>
          new GitLabMergeRequests({
            host: sandbox.url,
            token: sandbox.token,
            limiter,
            maxAttempts: 6,
            logger: mockServices.logger.mock(),
            sleep: async () => {},
          });
        const first = replica({
          host,
          limit: 600,
          windowMs: 60_000,
          maxWaitMs: 60_000,
          onBlocked: ({ until }) => blocked.push(until),
        });
        const second = replica({
          host,
          limit: 600,
          windowMs: 60_000,
          maxWaitMs: 600_000,
        });
        const until = new Date(T0 + 300_000);

        // the first replica is told 429 and, with a bound of 60 s on its waits, gives up at once, saying until when
        const error = await client(first)
          .createBranch('platform/gitops-test', 'feature/a', 'main')
          .then(
            () => undefined,
            (e: Error) => e,
          );
        expect(error).toBeInstanceOf(ServiceUnavailableError);
        expect(error).toBeInstanceOf(GitLabWaitError);
        expect((error as GitLabWaitError).until).toEqual(until);
        expect(error?.message).toContain(
          `waiting for GitLab until ${until.toISOString()}`,
        );
        expect(error?.message).toContain('create branch feature/a');
        expect(blocked).toEqual([until]);
        expect(sandbox.requestLog()).toHaveLength(1);

        // the second replica sees the same hold-off and sends nothing before it ends
        expect(await second.blockedUntil()).toEqual(until);
        const created = client(second).createBranch(
          'platform/gitops-test',
          'feature/b',
          'main',
        );
        await waitFor(() => clock.sleepers.length === 1, 'a sleeper');
        expect(clock.sleepers[0].at).toBe(until.getTime());
        expect(sandbox.requestLog()).toHaveLength(1);
        clock.wakeNext();
        await created;
        expect(
          sandbox.requestLog().map(entry => `${entry.method} ${entry.status}`),
        ).toEqual(['POST 429', 'POST 201']);
        expect(await second.blockedUntil()).toBeUndefined();
      } finally {
        await sandbox.stop();
      }
    });

    it("runs on the database's clock by default", async () => {
      const limiter = new SharedGitLabRateLimiter({
        knex,
        host: 'gitlab.example.com',
        limit: 1,
        windowMs: 60_000,
        maxWaitMs: 0,
      });
      const before = Date.now();
      await limiter.acquire();
      const error = await limiter.acquire().then(
        () => undefined,
        (e: Error) => e,
      );
      const after = Date.now();
      expect(error).toBeInstanceOf(GitLabWaitError);
      // the next slot is a window after the first start, as the database's clock (this machine's) tells it
      const until = (error as GitLabWaitError).until.getTime();
      expect(until).toBeGreaterThanOrEqual(before + 60_000 - 1_000);
      expect(until).toBeLessThanOrEqual(after + 60_000 + 1_000);

      await limiter.holdOff(300_000);
      const blocked = (await limiter.blockedUntil())!.getTime();
      expect(blocked).toBeGreaterThanOrEqual(before + 300_000 - 1_000);
      expect(blocked).toBeLessThanOrEqual(Date.now() + 300_000 + 1_000);
    });

    it('stops waiting when the caller aborts', async () => {
      const limiter = replica({ maxWaitMs: 600_000 });
      await limiter.holdOff(300_000);
      const controller = new AbortController();
      const waiting = limiter.acquire({ signal: controller.signal });
      await waitFor(() => clock.sleepers.length === 1, 'a sleeper');
      const reason = new Error('lease lost');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      // the replica's next caller is not stuck behind the one that gave up
      const next = limiter.acquire();
      await waitFor(() => clock.sleepers.length === 1, 'a sleeper');
      clock.wakeNext();
      await expect(next).resolves.toBeUndefined();
    });
  },
);
