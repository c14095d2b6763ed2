import {
  kubernetesConfig,
  SandboxCluster,
  typeOfKind,
  waitFor,
  WarmPoolProvisioner,
} from '@fleetdeck/sandbox';
import type {
  PoolDetail,
  PoolHistory,
  PoolPod,
  PoolSummary,
} from '@fleetdeck/plugin-warm-pools-common';
import { TIME_TO_READY_BOUNDS_MS } from './tracker';
import {
  startWarmPoolsBackend,
  WarmPoolsBackend,
} from './__testUtils__/startWarmPoolsBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';
const NOBODY = 'user:default/nobody';
const POOL_ID = 'wp-1/sessions/warm';
const POOL = `/pools/${POOL_ID}`;
const POD = typeOfKind('Pod');

describe('the warm-pools backend against a sandbox cluster', () => {
  let cluster: SandboxCluster;
  let provisioner: WarmPoolProvisioner;
  let backend: WarmPoolsBackend;

  const get = async (path: string) => backend.call('GET', path, ADA);
  const summary = async (): Promise<PoolSummary | undefined> =>
    ((await get('/pools')).body.pools as PoolSummary[]).find(
      p => p.id === POOL_ID,
    );
  const detail = async (): Promise<PoolDetail> => (await get(POOL)).body;
  const pods = async (): Promise<PoolPod[]> =>
    (await get(`${POOL}/pods`)).body.pods;

  /** The served pool agrees with what the provisioner itself knows. */
  const matchingTruth = (what: string) =>
    waitFor(
      `${what}: the pool as the provisioner knows it`,
      20_000,
      async () => {
        const s = await summary();
        const t = provisioner.truth();
        return s &&
          !s.stale &&
          s.target === t.target &&
          s.warmReady === t.warmReady &&
          s.warmPending === t.warmPending &&
          s.assigned === t.assigned &&
          s.sessionsStarted === t.sessionsStarted &&
          s.onDemandSessions === t.onDemandSessions &&
          s.emptyEvents === t.emptyEvents
          ? s
          : undefined;
      },
    );
  const healed = (what: string) =>
    waitFor(`${what}: the pool back at its target`, 20_000, async () => {
      const s = await summary();
      return s && s.warmReady === s.target && s.warmPending === 0
        ? s
        : undefined;
    });

  beforeAll(async () => {
    cluster = await SandboxCluster.start({
      name: 'wp-1',
      // Over a second, as Kubernetes times are whole seconds and a start-up should show in them.
      timeToReady: { kind: 'fixed', ms: 1200 },
      bookmarkIntervalMs: 200,
    });
    backend = await startWarmPoolsBackend({
      deniedUsers: [NOBODY],
      config: {
        backend: {
          baseUrl: 'http://127.0.0.1',
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        kubernetes: kubernetesConfig([cluster]),
        warmPools: { history: { intervalSeconds: 1 } },
      },
    });
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 4,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 120_000 },
    });
    provisioner.start();
    await healed('at start');
  });

  afterAll(async () => {
    provisioner?.stop();
    await backend?.stop();
    await cluster?.stop();
  });

  it('serves the pool and its pods as the provisioner has them under steady arrivals', async () => {
    provisioner.setArrivalRate(600);
    await waitFor('sessions', 20_000, async () =>
      provisioner.truth().sessionsStarted >= 8 ? true : undefined,
    );
    provisioner.setArrivalRate(0);
    const s = await matchingTruth('after steady arrivals');
    expect(s).toMatchObject({
      cluster: 'wp-1',
      namespace: 'sessions',
      pool: 'warm',
      target: 4,
    });
    expect(s.assignmentRatePerMinute).toBeGreaterThan(0);

    const served = await pods();
    const t = provisioner.truth();
    expect(served.filter(p => p.state === 'warm-ready')).toHaveLength(
      t.warmReady,
    );
    expect(
      served.filter(p => p.state === 'assigned' || p.state === 'on-demand'),
    ).toHaveLength(t.assigned);
    const inCluster = cluster.store
      .list(POD, 'sessions')
      .filter(p => p.metadata.labels?.pool === 'warm')
      .map(p => p.metadata.name)
      .sort();
    expect(served.map(p => p.name).sort()).toEqual(inCluster);

    // Every session has a start latency once its pod is Ready: warm ones at once, on-demand ones after start-up.
    const d = await waitFor('start latencies', 20_000, async () => {
      const current = await detail();
      const { warm, onDemand } = current.sessionStartLatency;
      return warm.count + onDemand.count === t.sessionsStarted
        ? current
        : undefined;
    });
    expect(d.sessionStartLatency.warm.count).toBe(
      t.sessionsStarted - t.onDemandSessions,
    );
    expect(d.timeToReadyHistogram.map(b => b.leMs).slice(0, -1)).toEqual(
      TIME_TO_READY_BOUNDS_MS,
    );
    expect(d.timeToReadyHistogram.reduce((n, b) => n + b.count, 0)).toBe(
      d.timeToReady.count,
    );
    expect(d.advice).toMatchObject({
      currentTarget: 4,
      emptyProbabilityTarget: 0.01,
    });
    expect(d.advice.arrivalRatePerMinute).toBe(d.assignmentRatePerMinute);
    expect(d.advice.recommendedTarget).toBeGreaterThanOrEqual(0);
    expect(d.advice.reason).toBeUndefined();
  });

  it('sees a burst drain the pool: on-demand sessions, empty moments today, and their times', async () => {
    await healed('before the burst');
    const before = await detail();
    const burst = Array.from({ length: 7 }, () => provisioner.requestSession());
    expect(burst.filter(s => !s.warm)).toHaveLength(3);
    await matchingTruth('after the burst');
    const after = await waitFor('on-demand starts', 20_000, async () => {
      const d = await detail();
      return d.sessionStartLatency.onDemand.count ===
        before.sessionStartLatency.onDemand.count + 3
        ? d
        : undefined;
    });
    expect(after.onDemandSessions - before.onDemandSessions).toBe(3);
    expect(after.emptyEvents - before.emptyEvents).toBe(3);
    expect(after.emptyEventsToday).toBe(after.emptyEvents);
    expect(after.recentEmptyAt.length - before.recentEmptyAt.length).toBe(3);
    const times = after.recentEmptyAt.map(Date.parse);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // An on-demand session waits for its pod's start-up (1.2 s here, in whole seconds); a warm one does not.
    expect(after.sessionStartLatency.onDemand.p50Ms).toBeGreaterThanOrEqual(
      1000,
    );
    expect(after.sessionStartLatency.warm.p50Ms).toBe(0);
    await healed('after the burst');
  });

  it('keeps a point per second and answers long ranges in coarser, averaged steps', async () => {
    const t = provisioner.truth();
    const history = await waitFor(
      'history of every session',
      20_000,
      async () => {
        const h: PoolHistory = (await get(`${POOL}/history`)).body;
        const started = h.points.reduce((n, p) => n + p.sessionsStarted, 0);
        return h.points.length >= 3 && started === t.sessionsStarted
          ? h
          : undefined;
      },
    );
    expect(history.id).toBe(POOL_ID);
    expect(history.stepSeconds).toBe(1);
    expect(Date.parse(history.to) - Date.parse(history.from)).toBe(3600_000);
    expect(history.points.reduce((n, p) => n + p.onDemandSessions, 0)).toBe(
      t.onDemandSessions,
    );
    expect(history.points.at(-1)).toMatchObject({ target: 4 });

    const to = new Date().toISOString();
    const from = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
    const long = await get(
      `${POOL}/history?from=${encodeURIComponent(from)}&to=${encodeURIComponent(
        to,
      )}`,
    );
    expect(long.status).toBe(200);
    expect(long.body).toMatchObject({ from, to, stepSeconds: 300 });
    expect(long.body.points.length).toBeGreaterThanOrEqual(1);
    expect(long.body.points.length).toBeLessThanOrEqual(2);
    expect(
      (long.body.points as PoolHistory['points']).reduce(
        (n, p) => n + p.sessionsStarted,
        0,
      ),
    ).toBe(t.sessionsStarted);
  });

  it('answers 400 naming the field for bad history times', async () => {
    const bad = await get(`${POOL}/history?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'from: must be an ISO 8601 date-time',
    );

    const badTo = await get(`${POOL}/history?to=2026-13-01T00:00:00Z`);
    expect(badTo.status).toBe(400);
    expect(badTo.body.error.message).toContain('to:');

    const reversed = await get(
      `${POOL}/history?from=2026-12-06T11:00:00Z&to=2026-12-06T10:00:00Z`,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toContain('from: must be before to');

    const twice = await get(
      `${POOL}/history?from=2026-12-06T10:00:00Z&from=2026-12-06T09:00:00Z`,
    );
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toContain('from:');
  });

  it('answers 404 for an unknown pool, and for a pod that is not the pool’s', async () => {
    for (const path of [
      '/pools/wp-1/sessions/cold',
      '/pools/nowhere/sessions/warm/pods',
      '/pools/nowhere/sessions/warm/history',
    ]) {
      const response = await get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const unknownPool = await backend.call(
      'POST',
      '/pools/wp-1/other/warm/pods/x/terminate',
      ADA,
      {},
    );
    expect(unknownPool.status).toBe(404);
    const notOfPool = await backend.call(
      'POST',
      `${POOL}/pods/session-provisioner/terminate`,
      ADA,
      {},
    );
    expect(notOfPool.status).toBe(404);
    expect(notOfPool.body.error.message).toContain(
      `session-provisioner is not a pod of pool ${POOL_ID}`,
    );
  });

  it('refuses to terminate for a user without the permission, and for a bad body', async () => {
    const [victim] = await pods();
    const denied = await backend.call(
      'POST',
      `${POOL}/pods/${victim.name}/terminate`,
      NOBODY,
      {},
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('warm-pools.pod.terminate');

    const unknownField = await backend.call(
      'POST',
      `${POOL}/pods/${victim.name}/terminate`,
      ADA,
      { force: true },
    );
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain(
      'force: not a known field',
    );

    const notJson = await backend.call(
      'POST',
      `${POOL}/pods/${victim.name}/terminate`,
      ADA,
      '{"oops"',
    );
    expect(notJson.status).toBe(400);

    expect(cluster.store.tryGet(POD, 'sessions', victim.name)).toBeDefined();
  });

  it('terminates a warm pod through the Kubernetes API, and the pool heals to its target', async () => {
    await healed('before terminating');
    const victim = (await pods()).find(p => p.state === 'warm-ready')!;
    const response = await backend.call(
      'POST',
      `${POOL}/pods/${victim.name}/terminate`,
      ADA,
      {},
    );
    expect(response).toEqual({ status: 202, body: { pod: victim.name } });
    expect(cluster.store.tryGet(POD, 'sessions', victim.name)).toBeUndefined();
    const after = await healed('after terminating');
    expect(after.target).toBe(4);
    expect((await pods()).map(p => p.name)).not.toContain(victim.name);

    const again = await backend.call(
      'POST',
      `${POOL}/pods/${victim.name}/terminate`,
      ADA,
      {},
    );
    expect(again.status).toBe(404);
  });

  it('signals a change of the pool on both channels', async () => {
    const from = backend.signals.length;
    const { sessionId } = provisioner.requestSession();
    const sessions = provisioner.truth().sessionsStarted;
    const signalled = (channel: string) =>
      waitFor(`a signal on ${channel}`, 10_000, async () =>
        backend.signals
          .slice(from)
          .find(
            s =>
              s.channel === channel &&
              s.message.type === 'pool-changed' &&
              s.message.pool.sessionsStarted === sessions,
          ),
      );
    const [all, one] = await Promise.all([
      signalled('warm-pools'),
      signalled(`warm-pools:${POOL_ID}`),
    ]);
    expect(one.message.pool).toMatchObject({
      id: POOL_ID,
      target: 4,
      stale: false,
    });
    expect(all.message.pool.id).toBe(POOL_ID);
    provisioner.endSession(sessionId);
  });
});
