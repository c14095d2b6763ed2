import { Fleet } from '@fleetdeck/sandbox';
import {
  sandboxWaveConfig,
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import { ADA, GRACE, gitlabWrites, waveApi } from './__testUtils__/waveApi';

jest.setTimeout(300_000);

// 10 requests per 5 s window: the same 120 per minute, enforced finely enough to be seen within the test
const REQUESTS_PER_MINUTE = 120;
const WINDOW_SECONDS = 5;
const PER_WINDOW = (REQUESTS_PER_MINUTE * WINDOW_SECONDS) / 60;

describe('waves against a GitLab that throttles and fails 30 % of calls', () => {
  let fleet: Fleet;
  let backend: WaveBackend;
  const { call, waitForWave } = waveApi(() => backend.url);

  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
    backend = await startWaveBackend({
      config: sandboxWaveConfig(
        fleet,
        { client: 'better-sqlite3', connection: ':memory:' },
        {
          gitlab: {
            requestsPerMinute: REQUESTS_PER_MINUTE,
            rateLimitWindowSeconds: WINDOW_SECONDS,
          },
        },
      ),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  it('finishes two waves at once, and never sends more than the limit in any window', async () => {
    // 1 − 0.84 × 0.83 ≈ 30 % of requests fail, seeded so that a failing run can be replayed
    fleet.gitlab.injectFaults({
      status: 429,
      rate: 0.16,
      seed: 7,
      retryAfterSeconds: 1,
    });
    fleet.gitlab.injectFaults({ status: 502, rate: 0.17, seed: 11 });
    try {
      const started = await Promise.all(
        ['test', 'staging'].map(batchId =>
          call('POST', '/waves', ADA, {
            batchId,
            targetVersion: '1.23.0',
            soakSeconds: 1,
            overrideOrder: true,
          }),
        ),
      );
      expect(started.map(s => s.status)).toEqual([201, 201]);
      for (const { body } of started) {
        await waitForWave(
          body.id,
          w => w.status === 'AWAITING_APPROVAL',
          180_000,
        );
        expect(
          (
            await call('POST', `/waves/${body.id}/approve`, GRACE, {
              comment: 'go',
            })
          ).status,
        ).toBe(200);
      }
      const waves = await Promise.all(
        started.map(({ body }) =>
          waitForWave(body.id, w => w.status === 'SUCCEEDED', 180_000),
        ),
      );
      expect(waves.map(w => w.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    } finally {
      fleet.gitlab.clearFaults();
    }

    const log = fleet.gitlab.requestLog();
    const failed = log.filter(r => r.status === 429 || r.status === 502);
    expect(failed.length).toBeGreaterThan(log.length * 0.15);
    expect(log.some(r => r.status === 429)).toBe(true);
    expect(log.some(r => r.status === 502)).toBe(true);
    // one merge request and one merge per wave, despite every retry
    for (const project of ['platform/gitops-test', 'platform/gitops-staging']) {
      expect(fleet.gitlab.listMergeRequests(project)).toHaveLength(1);
      expect(
        gitlabWrites(
          fleet,
          'PUT',
          new RegExp(`${project}/merge_requests/\\d+/merge$`),
        ),
      ).toHaveLength(1);
    }
    // The limiter bounds when requests start; the sandbox notes when it handles them, on an event loop it shares
    // with the backend, which a loaded machine can stall for a moment. So windows 1 s shorter than the limiter's:
    // no more than PER_WINDOW arrivals in them unless delivery lagged over a second, while a limiter letting
    // through 1.5 times its rate would put more than PER_WINDOW into some of them.
    const arrivals = log.map(r => r.at).sort((a, b) => a - b);
    expect(arrivals.length).toBeGreaterThan(PER_WINDOW);
    let busiest = 0;
    for (let i = 0; i < arrivals.length; i++) {
      let j = i;
      while (
        j < arrivals.length &&
        arrivals[j] < arrivals[i] + WINDOW_SECONDS * 1000 - 1000
      )
        j++;
      busiest = Math.max(busiest, j - i);
    }
    expect(busiest).toBeLessThanOrEqual(PER_WINDOW);
  });
});
