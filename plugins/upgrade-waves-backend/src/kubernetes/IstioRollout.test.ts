import { eventually, SandboxCluster, typeOfKind } from '@fleetdeck/sandbox';
import { istioProxiesCheck, podsHealthyCheck } from './checks';
import { IstioRollout, RESTARTED_AT_ANNOTATION } from './IstioRollout';
import {
  checkContext,
  connectorFor,
  createWorkload,
  registryCluster,
  startSandboxCluster,
} from './__testUtils__/sandboxClusters';

const OLD = '1.22.3';
const NEW = '1.23.0';
const POD = typeOfKind('Pod');
const DEPLOYMENT = typeOfKind('Deployment');

function isReady(o: { status?: any }) {
  return (o.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Ready' && c.status === 'True',
  );
}

/** Every workload of the namespaces is rolled out and all their pods are Ready. */
function settled(sandbox: SandboxCluster, namespaces: string[]) {
  return namespaces.every(ns => {
    const pods = sandbox.store.list(POD, ns);
    const workloads = ['Deployment', 'StatefulSet', 'DaemonSet'].flatMap(k =>
      sandbox.store.list(typeOfKind(k), ns),
    );
    const expected = workloads.reduce(
      (n, w) =>
        n +
        (w.kind === 'DaemonSet'
          ? sandbox.readyNodes().length
          : w.spec.replicas),
      0,
    );
    return (
      pods.length === expected &&
      pods.every(isReady) &&
      workloads.every(
        w =>
          w.status?.observedGeneration === w.metadata.generation &&
          (w.kind !== 'Deployment' ||
            w.status?.updatedReplicas === w.spec.replicas),
      )
    );
  });
}

describe('IstioRollout', () => {
  let sandbox: SandboxCluster;
  let rollout: IstioRollout;
  const cluster = registryCluster('rollout-1');

  beforeEach(async () => {
    sandbox = await startSandboxCluster('rollout-1', { istioVersion: OLD });
    rollout = new IstioRollout(connectorFor(sandbox));
    sandbox.ensureNamespace('shop', { 'istio-injection': 'enabled' });
    sandbox.ensureNamespace('payments', { 'istio.io/rev': 'default' });
    sandbox.ensureNamespace('batch');
    createWorkload(sandbox, 'Deployment', 'shop', 'cart', 2);
    createWorkload(sandbox, 'StatefulSet', 'shop', 'sessions', 2);
    createWorkload(sandbox, 'DaemonSet', 'payments', 'node-agent');
    createWorkload(sandbox, 'Deployment', 'payments', 'ledger', 1);
    createWorkload(sandbox, 'Deployment', 'batch', 'reports', 1);
    await eventually('workloads ready', () =>
      settled(sandbox, ['shop', 'payments', 'batch']),
    );
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  describe('istiod', () => {
    it('reports the version istiod runs and that it is ready', async () => {
      await expect(rollout.istiod(cluster)).resolves.toEqual({
        version: OLD,
        ready: true,
      });
    });

    it('keeps the HelmRelease message when Flux failed the upgrade', async () => {
      sandbox.rolloutIstio(NEW, { fail: true });

      const istiod = await rollout.istiod(cluster);

      expect(istiod.version).toBe(OLD);
      expect(istiod.helmReleaseFailure).toContain(
        `Helm upgrade failed for release istio-system/istiod with chart istiod@${NEW}: context deadline exceeded`,
      );
    });

    it('is not ready while the rollout of a new version has not replaced the old pods', async () => {
      // Without its controllers the cluster stays where a rollout starts: new template, old pods.
      sandbox.controllers.stop();
      sandbox.rolloutIstio(NEW);

      await expect(rollout.istiod(cluster)).resolves.toEqual({
        version: NEW,
        ready: false,
        reason: 'istiod rollout in progress (new template not yet observed)',
      });
    });

    it('is ready on the new version once the rollout has finished', async () => {
      sandbox.rolloutIstio(NEW);

      await eventually('istiod rolled out', () => {
        const istiod = sandbox.store.get(DEPLOYMENT, 'istio-system', 'istiod');
        return (
          istiod.status?.observedGeneration === 2 &&
          istiod.status.replicas === 1 &&
          istiod.status.updatedReplicas === 1 &&
          istiod.status.availableReplicas === 1
        );
      });
      await expect(rollout.istiod(cluster)).resolves.toEqual({
        version: NEW,
        ready: true,
      });
    });
  });

  it('finds Deployments, StatefulSets and DaemonSets in namespaces labelled for injection only', async () => {
    const workloads = await rollout.injectedWorkloads(cluster);

    expect(
      workloads.map(w => `${w.kind} ${w.namespace}/${w.name}`).sort(),
    ).toEqual([
      'DaemonSet payments/node-agent',
      'Deployment payments/ledger',
      'Deployment shop/cart',
      'StatefulSet shop/sessions',
    ]);
  });

  it('patches each workload once when restarted twice with the same stamp', async () => {
    const generations = () =>
      ['Deployment', 'StatefulSet', 'DaemonSet'].flatMap(kind =>
        ['shop', 'payments', 'batch'].flatMap(ns =>
          sandbox.store
            .list(typeOfKind(kind), ns)
            .map(w => `${ns}/${w.metadata.name}=${w.metadata.generation}`),
        ),
      );
    const progress: Array<[number, number]> = [];
    const stamp = '2026-03-01T10:00:00Z';

    const first = await rollout.restartWorkloads(cluster, stamp, {
      concurrency: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    const afterFirst = generations();
    const second = await rollout.restartWorkloads(cluster, stamp, {
      concurrency: 2,
    });

    expect(first).toEqual({ done: 4, total: 4, restarted: 4 });
    expect(second).toEqual({ done: 4, total: 4, restarted: 0 });
    expect(progress).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(afterFirst.sort()).toEqual(
      [
        'shop/cart=2',
        'shop/sessions=2',
        'payments/ledger=2',
        'payments/node-agent=2',
        'batch/reports=1',
      ].sort(),
    );
    expect(generations().sort()).toEqual(afterFirst.sort());
    expect(
      sandbox.store.get(DEPLOYMENT, 'shop', 'cart').spec.template.metadata
        .annotations,
    ).toEqual({ [RESTARTED_AT_ANNOTATION]: stamp });
  });

  it('restarts again for a new stamp', async () => {
    await rollout.restartWorkloads(cluster, 'stamp-1');

    const again = await rollout.restartWorkloads(cluster, 'stamp-2');

    expect(again.restarted).toBe(4);
    expect(
      sandbox.store.get(DEPLOYMENT, 'shop', 'cart').metadata.generation,
    ).toBe(3);
  });

  it('moves every sidecar to the new version after an istiod rollout and a restart', async () => {
    const before = await rollout.proxyVersions(cluster);
    expect(before).toHaveLength(2 + 2 + 2 + 1); // cart, sessions, node-agent on 2 nodes, ledger
    expect(new Set(before.map(p => p.version))).toEqual(new Set([OLD]));
    const proxies = istioProxiesCheck(rollout);
    const stale = await proxies.run(checkContext(cluster, NEW));
    expect(stale.outcome).toBe('failed');
    expect(stale.message).toMatch(
      new RegExp(
        `^7 of 7 istio-proxy sidecars are not on ${NEW}: .*shop/cart-.* \\(${OLD}\\)`,
      ),
    );

    sandbox.rolloutIstio(NEW);
    await rollout.restartWorkloads(cluster, '2026-03-01T11:00:00Z');
    await eventually(
      'every pod replaced with a sidecar on the new version',
      () => {
        const pods = ['shop', 'payments'].flatMap(ns =>
          sandbox.store.list(POD, ns),
        );
        return (
          pods.length === 7 &&
          pods.every(
            p =>
              isReady(p) &&
              p.spec.containers.some(
                (c: { name: string; image: string }) =>
                  c.name === 'istio-proxy' && c.image.endsWith(`:${NEW}`),
              ),
          )
        );
      },
    );

    const versions = await rollout.proxyVersions(cluster);
    expect(versions).toHaveLength(7);
    expect(versions.every(p => p.version === NEW)).toBe(true);
    await expect(
      proxies.run(checkContext(cluster, NEW)),
    ).resolves.toMatchObject({
      outcome: 'passed',
      message: `All 7 istio-proxy sidecars run ${NEW}`,
    });
  });

  it('reports pods that are not Running and Ready, and passes pods-healthy otherwise', async () => {
    const check = podsHealthyCheck(rollout);
    await expect(check.run(checkContext(cluster, OLD))).resolves.toMatchObject({
      outcome: 'passed',
      message: 'All 7 pods in injected namespaces are Running and Ready',
    });
    const [victim] = sandbox.store.list(POD, 'shop');
    sandbox.store.update(
      POD,
      'shop',
      victim.metadata.name,
      p => ({
        ...p,
        status: {
          ...p.status,
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [
            {
              name: 'istio-proxy',
              ready: false,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
          ],
        },
      }),
      'status',
    );

    const unhealthy = await rollout.podsHealthy(cluster);
    const report = await check.run(checkContext(cluster, OLD));

    expect(unhealthy).toEqual([
      {
        namespace: 'shop',
        pod: victim.metadata.name,
        phase: 'Running',
        reason: 'Running but not Ready (istio-proxy: CrashLoopBackOff)',
      },
    ]);
    expect(report).toMatchObject({
      outcome: 'failed',
      message: `1 of 7 pods are not healthy: shop/${victim.metadata.name} (Running but not Ready (istio-proxy: CrashLoopBackOff))`,
    });
  });

  it('collects the backstage.io/kubernetes-id labels of the whole cluster', async () => {
    await expect(rollout.kubernetesIds(cluster)).resolves.toEqual(
      new Set(['cart', 'sessions', 'node-agent', 'ledger', 'reports']),
    );
  });
});
