import {
  eventually,
  SandboxCluster,
  typeOfKind,
  WarmPoolProvisioner,
} from '@fleetdeck/sandbox';
import { V1Pod } from '@kubernetes/client-node';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { kubeConfigOf, trackerOf } from '../__testUtils__/sandbox';
import { PoolTracker } from './PoolTracker';
import { InformerEvent, PodInformer } from './ResourceInformer';

const POOL_ID = 'pool-1/sessions/warm';
const POD = typeOfKind('Pod');

describe('PoolTracker', () => {
  let cluster: SandboxCluster;
  let provisioner: WarmPoolProvisioner;
  let tracker: PoolTracker;

  beforeEach(async () => {
    cluster = await SandboxCluster.start({
      name: 'pool-1',
      timeToReady: { kind: 'fixed', ms: 100 },
      bookmarkIntervalMs: 200,
    });
    tracker = trackerOf(cluster, { maxBackoffMs: 200 });
    await tracker.start();
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 4,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    provisioner.start();
  });

  afterEach(async () => {
    tracker.stop();
    provisioner.stop();
    await cluster.stop();
  });

  /** The snapshot agrees with what the provisioner itself knows. */
  function matchesTruth(): boolean {
    const s = tracker.snapshot(POOL_ID);
    const t = provisioner.truth();
    return (
      s !== undefined &&
      !s.stale &&
      s.target === t.target &&
      s.warmReady === t.warmReady &&
      s.warmPending === t.warmPending &&
      s.assigned === t.assigned &&
      s.onDemandSessions === t.onDemandSessions &&
      s.sessionsStarted === t.sessionsStarted &&
      s.emptyEvents === t.emptyEvents
    );
  }

  it('counts a steadily used pool as the provisioner does, target from its annotation', async () => {
    await eventually('pool warm', () => provisioner.truth().warmReady === 4);
    provisioner.setArrivalRate(600);
    await eventually(
      'sessions',
      () => provisioner.truth().sessionsStarted >= 5,
    );
    provisioner.setArrivalRate(0);
    await eventually('snapshot matches truth', matchesTruth);
    const s = tracker.snapshot(POOL_ID)!;
    expect(s.target).toBe(4);
    expect(s.timeToReady.count).toBeGreaterThanOrEqual(4);
    expect(s.timeToReady.p50Ms).toBeGreaterThanOrEqual(0);
    expect(s.assignmentRatePerMinute).toBeGreaterThan(0);
    const pods = tracker.pods(POOL_ID);
    expect(pods.filter(p => p.state === 'warm-ready')).toHaveLength(
      provisioner.truth().warmReady,
    );
    expect(
      pods.filter(p => p.state === 'assigned' || p.state === 'on-demand'),
    ).toHaveLength(provisioner.truth().assigned);
  });

  it('sees a burst drain the pool: on-demand sessions, empty moments, and the replenish lag once healed', async () => {
    await eventually('pool warm', () => provisioner.truth().warmReady === 4);
    const changes: string[] = [];
    tracker.onChange(s => changes.push(s.id));
    const burst = Array.from({ length: 7 }, () => provisioner.requestSession());
    expect(burst.filter(s => !s.warm)).toHaveLength(3);
    await eventually(
      'healed and matching',
      () => provisioner.truth().warmReady === 4 && matchesTruth(),
    );
    const s = tracker.snapshot(POOL_ID)!;
    expect(s).toMatchObject({
      onDemandSessions: 3,
      emptyEvents: 3,
      sessionsStarted: 7,
      assigned: 7,
    });
    expect(s.replenishLag.count).toBe(1);
    expect(
      tracker.pods(POOL_ID).filter(p => p.state === 'on-demand'),
    ).toHaveLength(3);
    expect(new Set(changes)).toEqual(new Set([POOL_ID]));

    const d = tracker.detail(POOL_ID)!;
    expect(d.emptyEventsToday).toBe(3);
    expect(d.recentEmptyAt).toHaveLength(3);
    // The four warm pods were Ready when taken: those sessions started at once.
    expect(d.sessionStartLatency.warm).toEqual({
      count: 4,
      p50Ms: 0,
      p90Ms: 0,
      p99Ms: 0,
    });
    // The on-demand ones waited for their pods (whole seconds, as Kubernetes writes times).
    await eventually(
      'on-demand starts',
      () => tracker.detail(POOL_ID)!.sessionStartLatency.onDemand.count === 3,
    );
    const histogram = tracker.detail(POOL_ID)!.timeToReadyHistogram;
    expect(histogram.reduce((n, b) => n + b.count, 0)).toBe(
      tracker.snapshot(POOL_ID)!.timeToReady.count,
    );
    // Pods are Ready 100 ms after creation here; Kubernetes writes whole seconds, so 0 or 1000 ms.
    expect(histogram.slice(0, 2).map(b => b.leMs)).toEqual([500, 1000]);
    expect(histogram[0].count + histogram[1].count).toBe(
      tracker.snapshot(POOL_ID)!.timeToReady.count,
    );
    const activity = tracker.activity(POOL_ID, Date.now() - 60_000, Date.now());
    expect(activity).toEqual({
      sessionsStarted: 7,
      onDemandSessions: 3,
      emptyEvents: 3,
    });
    expect(
      tracker.activity(POOL_ID, Date.now() - 60_000, Date.now() - 30_000),
    ).toEqual({ sessionsStarted: 0, onDemandSessions: 0, emptyEvents: 0 });
  });

  it('takes a session on a warm pod that was not yet Ready as starting when the pod becomes Ready', async () => {
    await eventually('pool warm', () => provisioner.truth().warmReady === 4);
    const pending = cluster.store.create(POD, 'sessions', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'slow-warm',
        labels: { pool: 'warm', assigned: 'false' },
      },
      spec: { containers: [{ name: 'c', image: 'websocket-server:2.1.0' }] },
    });
    // Assigned before Ready (in the same tick as its creation), as a provisioner that hands out starting pods
    // would: the tracker sees it warm and pending, then assigned and pending, then Ready.
    cluster.store.update(POD, 'sessions', pending.metadata.name, p => ({
      ...p,
      metadata: {
        ...p.metadata,
        labels: { pool: 'warm', assigned: 'true', 'session-id': 'early' },
      },
    }));
    await eventually(
      'seen assigned',
      () => tracker.snapshot(POOL_ID)!.sessionsStarted === 1,
    );
    await eventually(
      'started once Ready',
      () => tracker.detail(POOL_ID)!.sessionStartLatency.warm.count === 1,
    );
    expect(tracker.snapshot(POOL_ID)!.onDemandSessions).toBe(0);
  });

  it('marks a cluster that drops stale, and is correct again once it returns', async () => {
    await eventually('synced', matchesTruth);
    cluster.api.faults.available = false;
    cluster.api.dropWatches();
    await eventually('stale', () => tracker.snapshot(POOL_ID)?.stale);
    // Changes while the tracker cannot see the cluster.
    provisioner.requestSession();
    provisioner.requestSession();
    cluster.api.faults.available = true;
    await eventually('fresh again', matchesTruth);
    expect(tracker.snapshot(POOL_ID)!.sessionsStarted).toBe(2);
  });

  it('re-lists after 410 Gone and counts the sessions it missed meanwhile', async () => {
    const resuming = trackerOf(cluster, { watchTimeoutSeconds: 1 });
    await resuming.start();
    // Stale from here on would mean the 410 was taken for a lost connection.
    const stale: boolean[] = [];
    resuming.onChange(s => stale.push(s.stale));
    try {
      await eventually('pool warm', () => provisioner.truth().warmReady === 4);
      await eventually(
        'seen warm',
        () => resuming.snapshot(POOL_ID)?.warmReady === 4,
      );
      // The watch ends (its timeout); the resumed one is held back while sessions arrive and the history
      // behind it is compacted away, so it gets 410 Gone and re-lists.
      cluster.api.faults.latencyMs = 400;
      const watchers = cluster.store.watcherCount();
      // Its pod and deployment watches, both on a 1 s timeout.
      await eventually(
        'its watches ended',
        () => cluster.store.watcherCount() <= watchers - 2,
      );
      provisioner.requestSession();
      provisioner.requestSession();
      cluster.store.compact();
      cluster.api.faults.latencyMs = 0;
      await eventually('re-listed to the truth', () => {
        const s = resuming.snapshot(POOL_ID);
        const t = provisioner.truth();
        return (
          s?.sessionsStarted === 2 &&
          s.assigned === t.assigned &&
          s.warmReady === t.warmReady &&
          s.warmPending === t.warmPending
        );
      });
      expect(resuming.snapshot(POOL_ID)!.onDemandSessions).toBe(0);
      expect(stale).not.toContain(true);
    } finally {
      resuming.stop();
    }
  });

  it('does not count the sessions already running when it starts watching', async () => {
    await eventually('pool warm', () => provisioner.truth().warmReady === 4);
    for (let i = 0; i < 6; i++) provisioner.requestSession();
    await eventually('healed', () => provisioner.truth().warmReady === 4);
    const late = trackerOf(cluster);
    await late.start();
    try {
      const s = late.snapshot(POOL_ID)!;
      expect(s).toMatchObject({
        assigned: 6,
        warmReady: 4,
        sessionsStarted: 0,
        onDemandSessions: 0,
        emptyEvents: 0,
      });
      expect(
        late.pods(POOL_ID).filter(p => p.state === 'assigned'),
      ).toHaveLength(6);
      // From now on sessions count: one warm, then one on demand after the pool is drained.
      for (let i = 0; i < 5; i++) provisioner.requestSession();
      await eventually(
        'new sessions',
        () => late.snapshot(POOL_ID)?.sessionsStarted === 5,
      );
      expect(late.snapshot(POOL_ID)!.onDemandSessions).toBe(1);
    } finally {
      late.stop();
    }
  });

  it('reads clusters and targets from kubernetes.clusterLocatorMethods and warmPools config', async () => {
    const fromConfig = PoolTracker.fromConfig(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'pool-1',
                  url: cluster.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: cluster.token,
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
        warmPools: {
          targets: [
            { cluster: 'pool-1', namespace: 'sessions', pool: 'warm', size: 6 },
          ],
        },
      }),
    );
    try {
      await fromConfig.start();
      const s = await eventually('pool seen', () =>
        fromConfig.snapshot(POOL_ID),
      );
      expect(s.target).toBe(6);
      expect(s.stale).toBe(false);
    } finally {
      fromConfig.stop();
    }
  });

  it('rejects a target that is not a whole number, naming the field', () => {
    expect(() =>
      PoolTracker.fromConfig(
        new ConfigReader({
          warmPools: {
            targets: [{ cluster: 'a', namespace: 'b', pool: 'c', size: 1.5 }],
          },
        }),
      ),
    ).toThrow(/warmPools\.targets\[0\]\.size/);
  });
});

describe('PodInformer', () => {
  let cluster: SandboxCluster;
  let provisioner: WarmPoolProvisioner;
  afterEach(async () => {
    provisioner.stop();
    await cluster.stop();
  });

  it('re-lists after 410 Gone without losing the changes it missed, and without going stale', async () => {
    cluster = await SandboxCluster.start({
      name: 'pool-2',
      timeToReady: { kind: 'fixed', ms: 50 },
      bookmarkIntervalMs: 60_000,
    });
    provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 3,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    provisioner.start();
    await eventually('pool warm', () => provisioner.truth().warmReady === 3);

    const informer = new PodInformer({
      cluster: 'pool-2',
      kubeConfig: kubeConfigOf(cluster),
      labelSelector: 'pool',
      initialBackoffMs: 50,
      watchTimeoutSeconds: 1,
    });
    const events: InformerEvent<V1Pod>[] = [];
    const stale: boolean[] = [];
    informer.onEvent(e => events.push(e));
    informer.onSync(s => stale.push(s.stale));
    await informer.start();
    try {
      expect(informer.list()).toHaveLength(3);
      await eventually('watching', () => cluster.store.watcherCount() > 0);
      // The server ends the watch (its timeout); the resumed watch is held back while the pool changes and the
      // history behind it is compacted away, so it gets 410 Gone.
      cluster.api.faults.latencyMs = 300;
      await eventually('watch ended', () => cluster.store.watcherCount() === 0);
      const { sessionId } = provisioner.requestSession();
      provisioner.endSession(sessionId);
      const gone = cluster.store
        .list(POD, 'sessions')
        .find(p => p.metadata.labels?.assigned === 'false')!.metadata.name;
      cluster.store.delete(POD, 'sessions', gone);
      cluster.store.compact();
      await eventually('re-listed to the truth', () => {
        const names = new Set(informer.list().map(p => p.metadata!.name));
        const truth = cluster.store
          .list(POD, 'sessions')
          .filter(p => p.metadata.labels?.pool)
          .map(p => p.metadata.name);
        return names.size === truth.length && truth.every(n => names.has(n));
      });
      expect(
        events.some(
          e => e.type === 'deleted' && e.object.metadata?.name === gone,
        ),
      ).toBe(true);
      expect(stale).not.toContain(true);
    } finally {
      informer.stop();
    }
  });
});

describe('PoolTracker with a watch that hangs', () => {
  it('restarts a watch that brings nothing for too long, from a fresh list, and sees what changed meanwhile', async () => {
    const cluster = await SandboxCluster.start({
      name: 'pool-1',
      timeToReady: { kind: 'fixed', ms: 50 },
      bookmarkIntervalMs: 100,
    });
    const logger = mockServices.logger.mock();
    const tracker = trackerOf(cluster, {
      maxBackoffMs: 200,
      watchIdleTimeoutMs: 800,
      logger,
    });
    const provisioner = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 2,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    try {
      await tracker.start();
      provisioner.start();
      await eventually(
        'pool warm in the tracker',
        () => tracker.snapshot(POOL_ID)?.warmReady === 2,
      );
      // Bookmarks every 100 ms keep a live watch well inside the bound.
      expect(logger.warn).not.toHaveBeenCalled();

      // Connected, but nothing passes any more: the change below reaches the tracker only through a new list.
      cluster.api.stallWatches();
      provisioner.requestSession();
      await eventually(
        'the session seen after the stall',
        () => tracker.snapshot(POOL_ID)?.sessionsStarted === 1,
        10_000,
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^the watch of \/api\/v1\/pods on cluster pool-1 brought no event and no bookmark for \d+ ms: restarting it from a fresh list$/,
        ),
      );
      // The restarted watch is live: later changes arrive through it again.
      provisioner.requestSession();
      await eventually(
        'a second session',
        () => tracker.snapshot(POOL_ID)?.sessionsStarted === 2,
      );
      expect(tracker.snapshot(POOL_ID)?.stale).toBe(false);
    } finally {
      tracker.stop();
      provisioner.stop();
      await cluster.stop();
    }
  }, 30_000);
});
