import { TestDatabases } from '@backstage/backend-test-utils';
import {
  eventually,
  SandboxCluster,
  WarmPoolProvisioner,
} from '@fleetdeck/sandbox';
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
  let store: PoolHistoryStore;

  beforeEach(async () => {
    cluster = await SandboxCluster.start({
      name: 'hist-1',
      timeToReady: { kind: 'fixed', ms: 50 },
      bookmarkIntervalMs: 200,
    });
    // Two backend replicas, each with its own watch of the same cluster.
    replicas = [trackerOf(cluster), trackerOf(cluster)];
    await Promise.all(replicas.map(r => r.start()));
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 3,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    provisioner.start();
    const knex = await databases.init('SQLITE_3');
    await applyMigrations(knex);
    store = new PoolHistoryStore(knex);
  });

  afterEach(async () => {
    replicas.forEach(r => r.stop());
    provisioner.stop();
    await cluster.stop();
  });

  it('counts every session once across replicas and late runs', async () => {
    await eventually('pool warm in both replicas', () =>
      replicas.every(r => r.snapshot(POOL_ID)?.warmReady === 3),
    );
    // Each replica's recorder runs late by a different amount; the second one writes the same intervals.
    const skew = [2_000, 6_000];
    let recorded = false;
    const recorders = replicas.map(
      (tracker, i) =>
        new PoolHistoryRecorder({
          tracker,
          store,
          intervalSeconds: 1,
          now: () => Date.now() + (recorded ? skew[i] : 0),
        }),
    );
    await Promise.all(recorders.map(r => r.record()));

    for (let i = 0; i < 4; i++) provisioner.requestSession();
    await eventually('both replicas saw the sessions', () =>
      replicas.every(r => r.snapshot(POOL_ID)?.sessionsStarted === 4),
    );
    recorded = true;
    const written = await Promise.all(recorders.map(r => r.record()));
    // The replica that ran later wrote more boundaries; both cover the sessions' interval.
    expect(written[1]).toBeGreaterThan(written[0]);

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
    // One row per second, whichever replica wrote it.
    const seconds = points.map(p => Date.parse(p.at) / 1000);
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds.every(Number.isInteger)).toBe(true);
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
