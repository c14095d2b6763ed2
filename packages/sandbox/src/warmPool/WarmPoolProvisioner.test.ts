import * as k8s from '@kubernetes/client-node';
import { eventually } from '../testing/eventually';
import { typeOfKind } from '../kubernetes/resources';
import { SandboxCluster } from '../kubernetes/SandboxCluster';
import { WarmPoolProvisioner } from './WarmPoolProvisioner';

const POD = typeOfKind('Pod');

describe('WarmPoolProvisioner', () => {
  let cluster: SandboxCluster;
  let pool: WarmPoolProvisioner;
  beforeEach(async () => {
    cluster = await SandboxCluster.start({
      name: 'pool-1',
      timeToReady: { kind: 'fixed', ms: 100 },
    });
    pool = new WarmPoolProvisioner(cluster, {
      namespace: 'sessions',
      size: 4,
      replenishIntervalMs: 50,
      sessionDuration: { kind: 'fixed', ms: 60_000 },
    });
    pool.start();
  });
  afterEach(async () => {
    pool.stop();
    await cluster.stop();
  });

  it('keeps four warm pods labelled as seed 003 says, visible through the API', async () => {
    await eventually('4 warm ready', () => pool.truth().warmReady === 4);
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions(cluster.kubeConfigOptions());
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({
      namespace: 'sessions',
      labelSelector: 'pool=warm,assigned=false',
    });
    expect(pods.items).toHaveLength(4);
    expect(pods.items.every(p => p.status?.phase === 'Running')).toBe(true);
  });

  it('assigns a warm pod, replenishes, falls back to on-demand when empty, and frees the pod when the session ends', async () => {
    await eventually('4 warm ready', () => pool.truth().warmReady === 4);
    const first = pool.requestSession();
    expect(first.warm).toBe(true);
    const assigned = cluster.store.get(POD, 'sessions', first.pod!);
    expect(assigned.metadata.labels).toMatchObject({
      pool: 'warm',
      assigned: 'true',
      'session-id': first.sessionId,
    });
    await eventually(
      'replenished',
      () => pool.truth().warmReady === 4 && pool.truth().assigned === 1,
    );

    // A burst larger than the pool drains it: the rest start on demand.
    const burst = Array.from({ length: 6 }, () => pool.requestSession());
    expect(burst.filter(s => s.warm)).toHaveLength(4);
    expect(pool.truth()).toMatchObject({
      onDemandSessions: 2,
      emptyEvents: 2,
      activeSessions: 7,
    });
    // The on-demand Jobs' pods appear as the Job controller runs.
    await eventually('7 assigned pods', () => pool.truth().assigned === 7);
    await eventually('pool healed', () => pool.truth().warmReady === 4);

    pool.endSession(first.sessionId);
    await eventually('session pod gone', () => pool.truth().assigned === 6);
  });

  it('brings a terminated session pod back for the same session', async () => {
    await eventually('4 warm ready', () => pool.truth().warmReady === 4);
    const { sessionId, pod } = pool.requestSession();
    cluster.store.delete(POD, 'sessions', pod!);
    const replacement = await eventually('replacement', () =>
      cluster.store
        .list(POD, 'sessions')
        .find(
          p =>
            p.metadata.labels?.['session-id'] === sessionId &&
            p.metadata.name !== pod,
        ),
    );
    expect(replacement.metadata.labels).toMatchObject({ assigned: 'true' });
    await eventually(
      'warm pool intact',
      () => pool.truth().warmReady === 4 && pool.truth().assigned === 1,
    );
  });
});
