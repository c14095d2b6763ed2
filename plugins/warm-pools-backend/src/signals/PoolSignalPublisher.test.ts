import { mockServices } from '@backstage/backend-test-utils';
import type { PoolSummary } from '@fleetdeck/plugin-warm-pools-common';
import { PoolSignalPublisher } from './PoolSignalPublisher';

const A = 'pool-1/sessions/warm';
const B = 'pool-2/sessions/warm';

function summary(id: string, warmReady: number): PoolSummary {
  const [cluster, namespace, pool] = id.split('/');
  return {
    id,
    cluster,
    namespace,
    pool,
    target: 4,
    warmReady,
    warmPending: 0,
    assigned: 0,
    onDemandSessions: 0,
    sessionsStarted: 0,
    emptyEvents: 0,
    emptyEventsToday: 0,
    timeToReady: { count: 0 },
    assignmentRatePerMinute: 0,
    assignmentWindowMs: 300_000,
    replenishLag: { count: 0 },
    stale: false,
  };
}

describe('PoolSignalPublisher', () => {
  let published: Array<{ channel: string; message: any }>;
  let warmReady: Record<string, number>;
  let publisher: PoolSignalPublisher;

  beforeEach(() => {
    jest.useFakeTimers();
    published = [];
    warmReady = { [A]: 0, [B]: 0 };
    publisher = new PoolSignalPublisher({
      signals: {
        async publish(signal) {
          published.push({ channel: signal.channel, message: signal.message });
        },
      },
      summaryOf: id =>
        id in warmReady ? summary(id, warmReady[id]) : undefined,
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(() => {
    publisher.stop();
    jest.useRealTimers();
  });

  it('sends one signal per channel for a burst of changes, with the state after the burst', () => {
    for (let i = 1; i <= 2000; i++) {
      warmReady[A] = i;
      publisher.changed(A);
    }
    expect(published).toEqual([]);
    jest.advanceTimersByTime(0);
    expect(published).toEqual([
      {
        channel: 'warm-pools',
        message: { type: 'pool-changed', pool: summary(A, 2000) },
      },
      {
        channel: 'warm-pools:pool-1/sessions/warm',
        message: { type: 'pool-changed', pool: summary(A, 2000) },
      },
    ]);
  });

  it('holds a change that follows a signal until 250 ms after it, then sends the latest state', () => {
    publisher.changed(A);
    jest.advanceTimersByTime(0);
    expect(published).toHaveLength(2);

    jest.advanceTimersByTime(100);
    warmReady[A] = 1;
    publisher.changed(A);
    jest.advanceTimersByTime(100);
    warmReady[A] = 2;
    publisher.changed(A);
    jest.advanceTimersByTime(49);
    expect(published).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(published).toHaveLength(4);
    expect(published[3].message.pool.warmReady).toBe(2);

    // Quiet for longer than the interval: the next change goes out at once.
    jest.advanceTimersByTime(1000);
    publisher.changed(A);
    jest.advanceTimersByTime(0);
    expect(published).toHaveLength(6);
  });

  it('coalesces each pool on its own', () => {
    publisher.changed(A);
    publisher.changed(B);
    publisher.changed(A);
    jest.advanceTimersByTime(0);
    expect(published.map(p => p.channel).sort()).toEqual([
      'warm-pools',
      'warm-pools',
      'warm-pools:pool-1/sessions/warm',
      'warm-pools:pool-2/sessions/warm',
    ]);
  });

  it('logs a failed publish instead of throwing, and sends nothing after stop', async () => {
    const logger = mockServices.logger.mock();
    const failing = new PoolSignalPublisher({
      signals: { publish: () => Promise.reject(new Error('events down')) },
      summaryOf: id => summary(id, 1),
      logger,
    });
    failing.changed(A);
    jest.advanceTimersByTime(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'could not signal a change of pool pool-1/sessions/warm',
      ),
    );
    failing.stop();

    publisher.changed(A);
    publisher.stop();
    jest.advanceTimersByTime(1000);
    expect(published).toEqual([]);
  });
});
