import * as k8s from '@kubernetes/client-node';
import { eventually } from '../testing/eventually';
import { isPodReady } from './controllers';
import { typeOfKind } from './resources';
import { SandboxCluster } from './SandboxCluster';
import type { KubeObject } from './types';

const POD = typeOfKind('Pod');
const DEPLOYMENT = typeOfKind('Deployment');
const JOB = typeOfKind('Job');
const STATEFULSET = typeOfKind('StatefulSet');

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: `${name}:1.0.0` }] },
      },
    },
  };
}

describe('SandboxCluster controllers', () => {
  let cluster: SandboxCluster;
  beforeEach(async () => {
    cluster = await SandboxCluster.start({
      name: 'test-1',
      nodes: 2,
      istioVersion: '1.22.3',
      timeToReady: { kind: 'fixed', ms: 30 },
    });
  });
  afterEach(async () => {
    await cluster.stop();
  });

  const pods = (ns: string) => cluster.store.list(POD, ns);

  it('runs a Deployment: ReplicaSet, pods Pending → Running/Ready, status', async () => {
    cluster.store.create(DEPLOYMENT, 'default', deployment('web', 3));
    const pending = await eventually(
      '3 pods',
      () => pods('default').length === 3 && pods('default'),
    );
    expect(
      pending.every(p => p.status.phase === 'Pending' && p.spec.nodeName),
    ).toBe(true);
    await eventually(
      'ready deployment',
      () =>
        cluster.store.get(DEPLOYMENT, 'default', 'web').status
          ?.readyReplicas === 3,
    );
    expect(
      pods('default').every(p => p.status.phase === 'Running' && isPodReady(p)),
    ).toBe(true);
    expect(new Set(pods('default').map(p => p.spec.nodeName)).size).toBe(2);
  });

  it('replaces pods gradually when restartedAt changes, never dropping below the wanted ready count', async () => {
    cluster.store.create(DEPLOYMENT, 'default', deployment('api', 3));
    await eventually(
      'ready',
      () =>
        cluster.store.get(DEPLOYMENT, 'default', 'api').status
          ?.readyReplicas === 3,
    );
    const before = new Set(pods('default').map(p => p.metadata.name));
    let minReady = 3;
    const off = cluster.store.onChange(() => {
      minReady = Math.min(minReady, pods('default').filter(isPodReady).length);
    });
    cluster.store.update(DEPLOYMENT, 'default', 'api', d => {
      const next = structuredClone(d);
      next.spec.template.metadata.annotations = {
        'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:00:00Z',
      };
      return next;
    });
    await eventually('all pods replaced', () => {
      const now = pods('default');
      return (
        now.length === 3 &&
        now.every(p => !before.has(p.metadata.name) && isPodReady(p))
      );
    });
    off();
    expect(minReady).toBeGreaterThanOrEqual(3);
    expect(
      cluster.store.get(DEPLOYMENT, 'default', 'api').status,
    ).toMatchObject({ updatedReplicas: 3, readyReplicas: 3 });
  });

  it('injects istio-proxy on the istiod version current at creation, in labelled namespaces only', async () => {
    cluster.ensureNamespace('shop', { 'istio-injection': 'enabled' });
    cluster.ensureNamespace('plain');
    cluster.store.create(DEPLOYMENT, 'shop', deployment('cart', 1));
    cluster.store.create(DEPLOYMENT, 'plain', deployment('batch', 1));
    const [cart] = await eventually(
      'cart pod',
      () => pods('shop').length === 1 && pods('shop'),
    );
    const proxy = (p: KubeObject) =>
      p.spec.containers.find((c: { name: string }) => c.name === 'istio-proxy')
        ?.image;
    expect(proxy(cart)).toBe('docker.io/istio/proxyv2:1.22.3');
    await eventually('batch pod', () => pods('plain').length === 1);
    expect(proxy(pods('plain')[0])).toBeUndefined();

    cluster.rolloutIstio('1.23.1');
    expect(cluster.istioVersion()).toBe('1.23.1');
    const hr = cluster.store.get(
      typeOfKind('HelmRelease'),
      'istio-system',
      'istiod',
    );
    expect(hr.spec.chart.spec.version).toBe('1.23.1');
    expect(hr.status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
    });
    expect(proxy(pods('shop')[0])).toBe('docker.io/istio/proxyv2:1.22.3'); // running pods keep their sidecar

    cluster.store.update(DEPLOYMENT, 'shop', 'cart', d => {
      const next = structuredClone(d);
      next.spec.template.metadata.annotations = {
        'kubectl.kubernetes.io/restartedAt': 'now',
      };
      return next;
    });
    await eventually('restarted cart on the new proxy', () => {
      const now = pods('shop');
      return (
        now.length === 1 &&
        proxy(now[0]) === 'docker.io/istio/proxyv2:1.23.1' &&
        isPodReady(now[0])
      );
    });
  });

  it('keeps istiod on its version when told to fail a rollout, and reports the failure', () => {
    cluster.rolloutIstio('1.24.0', { fail: true });
    expect(cluster.istioVersion()).toBe('1.22.3');
    const hr = cluster.store.get(
      typeOfKind('HelmRelease'),
      'istio-system',
      'istiod',
    );
    expect(hr.status.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'UpgradeFailed',
    });
  });

  it('serves the sidecar injector webhook, its istiod Service and the Istio CRDs that installing Istio creates', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions(cluster.kubeConfigOptions());
    const webhooks = await kc
      .makeApiClient(k8s.AdmissionregistrationV1Api)
      .listMutatingWebhookConfiguration();
    const injector = webhooks.items.find(
      w => w.metadata?.name === 'istio-sidecar-injector',
    );
    expect(injector?.webhooks?.[0].clientConfig.service).toMatchObject({
      name: 'istiod',
      namespace: 'istio-system',
    });
    await expect(
      kc
        .makeApiClient(k8s.CoreV1Api)
        .readNamespacedService({ name: 'istiod', namespace: 'istio-system' }),
    ).resolves.toMatchObject({ metadata: { name: 'istiod' } });
    const crds = await kc
      .makeApiClient(k8s.ApiextensionsV1Api)
      .listCustomResourceDefinition();
    expect(crds.items.map(c => c.metadata?.name)).toEqual(
      expect.arrayContaining([
        'virtualservices.networking.istio.io',
        'destinationrules.networking.istio.io',
        'peerauthentications.security.istio.io',
      ]),
    );
  });

  it('runs a Job pod and garbage-collects it with the Job', async () => {
    cluster.store.create(JOB, 'default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'session-abc' },
      spec: {
        template: {
          metadata: { labels: { pool: 'warm', assigned: 'false' } },
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'ws', image: 'ws:1' }],
          },
        },
      },
    });
    const [p] = await eventually(
      'job pod',
      () => pods('default').length === 1 && pods('default'),
    );
    expect(p.metadata.labels).toMatchObject({
      pool: 'warm',
      assigned: 'false',
      'job-name': 'session-abc',
    });
    cluster.store.delete(JOB, 'default', 'session-abc');
    await eventually('pod collected', () => pods('default').length === 0);
  });

  it('rolls a StatefulSet from the highest ordinal down', async () => {
    cluster.store.create(STATEFULSET, 'default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'redis' },
      spec: {
        replicas: 3,
        serviceName: 'redis',
        selector: { matchLabels: { app: 'redis' } },
        template: {
          metadata: { labels: { app: 'redis' } },
          spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] },
        },
      },
    });
    await eventually(
      '3 ready',
      () => pods('default').filter(isPodReady).length === 3,
    );
    expect(pods('default').map(p => p.metadata.name)).toEqual([
      'redis-0',
      'redis-1',
      'redis-2',
    ]);
    const deletions: string[] = [];
    const off = cluster.store.onChange(e => {
      if (e.type === 'DELETED' && e.object.kind === 'Pod')
        deletions.push(e.object.metadata.name);
    });
    cluster.store.update(STATEFULSET, 'default', 'redis', s => {
      const next = structuredClone(s);
      next.spec.template.metadata.annotations = {
        'kubectl.kubernetes.io/restartedAt': 'now',
      };
      return next;
    });
    await eventually('updated', () => {
      const sts = cluster.store.get(STATEFULSET, 'default', 'redis');
      return (
        sts.status?.observedGeneration === 2 &&
        sts.status.updatedReplicas === 3 &&
        pods('default').every(isPodReady)
      );
    });
    off();
    expect(deletions).toEqual(['redis-2', 'redis-1', 'redis-0']);
  });

  it('reports a node NotReady through the API', async () => {
    cluster.setNodeReady('test-1-node-2', false);
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions(cluster.kubeConfigOptions());
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    const ready = Object.fromEntries(
      nodes.items.map(n => [
        n.metadata!.name,
        n.status!.conditions!.find(c => c.type === 'Ready')!.status,
      ]),
    );
    expect(ready).toEqual({
      'test-1-node-1': 'True',
      'test-1-node-2': 'False',
    });
  });
});
