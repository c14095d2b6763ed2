import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventually,
  SandboxCluster,
  WarmPoolProvisioner,
} from '@fleetdeck/sandbox';
import { DatabaseClock } from '../database/DatabaseClock';
import { applyMigrations } from '../database/migrations';
import { PoolHistoryStore } from '../database/PoolHistoryStore';
import { trackerOf } from '../__testUtils__/sandbox';
import type { PoolTracker } from '../tracker/PoolTracker';
import { historyStepSeconds } from './historyStep';
import { MAX_BACKFILL, PoolHistoryRecorder } from './PoolHistoryRecorder';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const POOL_ID = 'hist-1/sessions/warm';

describe('PoolHistoryRecorder', () => {
  let cluster: SandboxCluster;
  let provisioner: WarmPoolProvisioner;
  let replicas: PoolTracker[];
  let clocks: DatabaseClock[];
  let store: PoolHistoryStore;

  beforeEach(async () => {
    const knex = await databases.init('SQLITE_3');
    await applyMigrations(knex);
    store = new PoolHistoryStore(knex);
    cluster = await SandboxCluster.start({
      name: 'hist-1',
      timeToReady: { kind: 'fixed', ms: 50 },
      bookmarkIntervalMs: 200,
    });
    // Two backend replicas whose own clocks are 3 s apart, each with its own watch of the same cluster, both
    // on the database's clock.
    clocks = await Promise.all(
      [1_500, -1_500].map(skew =>
        DatabaseClock.create(knex, { localNow: () => Date.now() + skew }),
      ),
    );
    replicas = clocks.map(clock => trackerOf(cluster, { now: clock.now }));
    await Promise.all(replicas.map(r => r.start()));
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 3,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    provisioner.start();
  });

  afterEach(async () => {
    replicas.forEach(r => r.stop());
    provisioner.stop();
    await cluster.stop();
  });

  it('counts every session once across replicas that record side by side while the sessions arrive', async () => {
    await eventually('pool warm in both replicas', () =>
      replicas.every(r => r.snapshot(POOL_ID)?.warmReady === 3),
    );
    const recorders = replicas.map(
      (tracker, i) =>
        new PoolHistoryRecorder({
          tracker,
          store,
          intervalSeconds: 1,
          now: clocks[i].now,
          holder: `replica-${i}`,
        }),
    );
    // Both run at their own cadence, as their scheduler tasks do, and neither waits for the other (or for its
    // own watch) to have seen the sessions: a replica may write an interval before the other has seen it.
    const written: number[][] = [];
    let seenAllAt: number | undefined;
    const deadline = Date.now() + 30_000;
    for (let round = 0; ; round++) {
      written.push(await Promise.all(recorders.map(r => r.record())));
      if (round === 2) for (let i = 0; i < 4; i++) provisioner.requestSession();
      if (
        seenAllAt === undefined &&
        round >= 2 &&
        replicas.every(r => r.snapshot(POOL_ID)?.sessionsStarted === 4)
      ) {
        seenAllAt = clocks[0].now();
      }
      const stored = await store.latestPointMs();
      // Done once an interval that ended after both replicas had seen every session is stored.
      if (
        seenAllAt !== undefined &&
        stored !== undefined &&
        stored >= seenAllAt + 1000
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no point after every session was seen: ${JSON.stringify(written)}`,
        );
      }
      await new Promise(resolve =>
        setTimeout(resolve, 150 + 100 * (round % 2)),
      );
    }

    const points = await store.points(POOL_ID, {
      fromMs: Date.now() - 60_000,
      toMs: Date.now() + 60_000,
      stepSeconds: historyStepSeconds(120_000, 1),
    });
    const sum = (key: 'sessionsStarted' | 'onDemandSessions' | 'emptyEvents') =>
      points.reduce((n, p) => n + p[key], 0);
    expect(sum('sessionsStarted')).toBe(4);
    expect(sum('onDemandSessions')).toBe(1);
    expect(sum('emptyEvents')).toBe(1);
    // One writer at a time: in every round at most one replica wrote.
    expect(written.filter(([a, b]) => a > 0 && b > 0)).toEqual([]);
    // One row per second, whichever replica wrote it.
    const seconds = points.map(p => Date.parse(p.at) / 1000);
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds.every(Number.isInteger)).toBe(true);
  }, 60_000);

  it('hands the writing over when the writer stops, going on from where the history ends', async () => {
    await eventually('pool seen', () => replicas[1].snapshot(POOL_ID));
    let offset = 0;
    const recorders = replicas.map(
      (tracker, i) =>
        new PoolHistoryRecorder({
          tracker,
          store,
          intervalSeconds: 1,
          now: () => clocks[i].now() + offset,
          holder: `replica-${i}`,
        }),
    );
    expect(await recorders[0].record()).toBe(1);
    expect(await recorders[1].record()).toBe(0);
    const handedOverAt = (await store.latestPointMs())!;
    await recorders[0].release();
    // Five seconds later the other replica writes the five boundaries since the last stored one.
    offset = 5_000;
    const boundary = Math.floor((clocks[1].now() + offset) / 1000) * 1000;
    expect(await recorders[1].record()).toBe((boundary - handedOverAt) / 1000);
    expect(await store.latestPointMs()).toBe(boundary);
    expect(await recorders[0].record()).toBe(0);
  });

  it('writes at most MAX_BACKFILL intervals after a long pause, and nothing for a stale pool', async () => {
    await eventually('pool seen', () => replicas[0].snapshot(POOL_ID));
    let offset = 0;
    const recorder = new PoolHistoryRecorder({
      tracker: replicas[0],
      store,
      intervalSeconds: 1,
      now: () => Date.now() + offset,
    });
    expect(await recorder.record()).toBe(1);
    offset = 3600_000;
    expect(await recorder.record()).toBe(MAX_BACKFILL);

    cluster.api.faults.available = false;
    cluster.api.dropWatches();
    await eventually('stale', () => replicas[0].snapshot(POOL_ID)?.stale);
    offset += 10_000;
    expect(await recorder.record()).toBe(0);
    cluster.api.faults.available = true;
  });
});
