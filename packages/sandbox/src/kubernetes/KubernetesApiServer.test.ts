import * as k8s from '@kubernetes/client-node';
import { eventually } from '../testing/eventually';
import { ClusterStore } from './ClusterStore';
import { KubernetesApiServer } from './KubernetesApiServer';
import { typeOfKind } from './resources';

const TOKEN = 'sandbox-token-test';

async function startCluster() {
  const store = new ClusterStore();
  store.create(typeOfKind('Namespace'), undefined, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default' },
  });
  const server = await KubernetesApiServer.start({
    store,
    token: TOKEN,
    bookmarkIntervalMs: 200,
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'sandbox', server: server.baseUrl, skipTLSVerify: true },
    ],
    users: [{ name: 'sandbox', token: TOKEN }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'sandbox' }],
    currentContext: 'sandbox',
  });
  return {
    store,
    server,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
  };
}

function pod(name: string, labels: Record<string, string> = {}): k8s.V1Pod {
  return {
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27.3' }] },
  };
}

describe('KubernetesApiServer with @kubernetes/client-node', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeEach(async () => {
    cluster = await startCluster();
  });
  afterEach(async () => {
    await cluster.server.stop();
  });

  it('creates, gets, lists with label and field selectors, and pages with limit/continue', async () => {
    const { core } = cluster;
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
      ['d', 'cache'],
    ]) {
      await core.createNamespacedPod({
        namespace: 'default',
        body: pod(name, { tier, ...(name === 'd' ? {} : { app: 'shop' }) }),
      });
    }
    const got = await core.readNamespacedPod({
      namespace: 'default',
      name: 'a',
    });
    expect(got.metadata?.uid).toBeDefined();
    expect(got.metadata?.resourceVersion).toMatch(/^\d+$/);

    const names = async (
      params: Partial<k8s.CoreV1ApiListNamespacedPodRequest>,
    ) =>
      (
        await core.listNamespacedPod({ namespace: 'default', ...params })
      ).items.map(p => p.metadata!.name);
    expect(await names({ labelSelector: 'tier=web' })).toEqual(['a', 'b']);
    expect(await names({ labelSelector: 'tier!=web' })).toEqual(['c', 'd']);
    expect(await names({ labelSelector: 'tier in (db,cache)' })).toEqual([
      'c',
      'd',
    ]);
    expect(await names({ labelSelector: 'tier notin (db,cache),app' })).toEqual(
      ['a', 'b'],
    );
    expect(await names({ labelSelector: '!app' })).toEqual(['d']);
    expect(await names({ fieldSelector: 'metadata.name=c' })).toEqual(['c']);
    expect(
      await names({
        fieldSelector: 'metadata.namespace=default,metadata.name!=c',
      }),
    ).toEqual(['a', 'b', 'd']);

    const page1 = await core.listNamespacedPod({
      namespace: 'default',
      limit: 3,
    });
    expect(page1.items).toHaveLength(3);
    expect(page1.metadata?.remainingItemCount).toBe(1);
    const page2 = await core.listNamespacedPod({
      namespace: 'default',
      limit: 3,
      _continue: page1.metadata?._continue,
    });
    expect(page2.items.map(p => p.metadata!.name)).toEqual(['d']);
    expect(page2.metadata?._continue).toBeUndefined();
  });

  it('applies merge, strategic-merge and JSON patches', async () => {
    const { core, apps } = cluster;
    await core.createNamespacedPod({
      namespace: 'default',
      body: pod('p', { pool: 'warm', assigned: 'false' }),
    });
    const options = (type: string) =>
      k8s.setHeaderOptions('Content-Type', type);

    await core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'p',
        body: {
          metadata: { labels: { assigned: 'true', 'session-id': 's-1' } },
        },
      },
      options(k8s.PatchStrategy.MergePatch),
    );
    let p = await core.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(p.metadata?.labels).toEqual({
      pool: 'warm',
      assigned: 'true',
      'session-id': 's-1',
    });

    await core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'p',
        body: [
          { op: 'remove', path: '/metadata/labels/session-id' },
          { op: 'replace', path: '/metadata/labels/assigned', value: 'false' },
        ],
      },
      options(k8s.PatchStrategy.JsonPatch),
    );
    p = await core.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(p.metadata?.labels).toEqual({ pool: 'warm', assigned: 'false' });

    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'app', image: 'web:1' },
                { name: 'log', image: 'log:1' },
              ],
            },
          },
        },
      },
    });
    const restartedAt = '2026-11-22T03:00:00Z';
    await apps.patchNamespacedDeployment(
      {
        namespace: 'default',
        name: 'web',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': restartedAt,
                },
              },
              spec: { containers: [{ name: 'app', image: 'web:2' }] },
            },
          },
        },
      },
      options(k8s.PatchStrategy.StrategicMergePatch),
    );
    const d = await apps.readNamespacedDeployment({
      namespace: 'default',
      name: 'web',
    });
    expect(d.spec?.template.metadata?.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': restartedAt,
    });
    // strategic merge keeps the other container and merges by name
    expect(
      d.spec?.template.spec?.containers.map(c => `${c.name}=${c.image}`),
    ).toEqual(['app=web:2', 'log=log:1']);
    expect(d.metadata?.generation).toBe(2);
  });

  it('answers errors with Status objects shaped like the real API server', async () => {
    const { core, server } = cluster;
    await core.createNamespacedPod({ namespace: 'default', body: pod('x') });

    const raw = (path: string, init: RequestInit = {}, token = TOKEN) =>
      fetch(`${server.baseUrl}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          ...(init.headers ?? {}),
        },
      });

    let res = await raw('/api/v1/namespaces/default/pods', {}, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Unauthorized',
      code: 401,
    });

    res = await raw('/apis/example.com/v1/widgets');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });

    res = await raw('/api/v1/namespaces/default/pods/nope');
    expect(await res.json()).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'pods "nope" not found',
      details: { name: 'nope', kind: 'pods' },
    });

    res = await raw('/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: JSON.stringify(pod('x')),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'AlreadyExists' });

    const current = await core.readNamespacedPod({
      namespace: 'default',
      name: 'x',
    });
    await core.replaceNamespacedPod({
      namespace: 'default',
      name: 'x',
      body: {
        ...current,
        metadata: { ...current.metadata, labels: { v: '2' } },
      },
    });
    res = await raw('/api/v1/namespaces/default/pods/x', {
      method: 'PUT',
      body: JSON.stringify(current),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ reason: 'Conflict' });

    res = await raw('/api/v1/namespaces/default/pods', {
      method: 'POST',
      body: JSON.stringify({ metadata: { name: 'Not_A_Name' } }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      details: {
        causes: [expect.objectContaining({ field: 'metadata.name' })],
      },
    });

    res = await raw(
      '/api/v1/namespaces/default/pods?fieldSelector=spec.unknown%3Dx',
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.unknown',
    });

    res = await raw('/api/v1/namespaces/default/pods/x', {
      method: 'PATCH',
      body: '{}',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
    });
    expect(res.status).toBe(415);

    for (const path of ['/readyz', '/livez']) {
      res = await fetch(`${server.baseUrl}${path}`);
      expect(await res.text()).toBe('ok');
    }
    res = await raw('/version');
    expect(await res.json()).toMatchObject({
      gitVersion: expect.stringMatching(/^v1\./),
    });
  });

  it('injects errors and outages per cluster on request', async () => {
    const { core, server } = cluster;
    server.faults.errorRate = 1;
    await expect(
      core.listNamespacedPod({ namespace: 'default' }),
    ).rejects.toMatchObject({ code: 500 });
    const res = await fetch(`${server.baseUrl}/api/v1/namespaces`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'InternalError',
      code: 500,
    });
    server.faults.errorRate = 0;
    server.faults.available = false;
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503);
    server.faults.available = true;
    await expect(
      core.listNamespacedPod({ namespace: 'default' }),
    ).resolves.toMatchObject({ items: [] });
  });

  it('counts every request it receives, failed and unauthorized ones included', async () => {
    const { core, server } = cluster;
    expect(server.requestCount).toBe(0);
    await core.listNamespacedPod({ namespace: 'default' });
    await fetch(`${server.baseUrl}/readyz`);
    await fetch(`${server.baseUrl}/api/v1/namespaces`);
    server.faults.errorRate = 1;
    await expect(
      core.listNamespacedPod({ namespace: 'default' }),
    ).rejects.toMatchObject({ code: 500 });
    expect(server.requestCount).toBe(4);
  });

  it('serves discovery for the core group, apps, batch and Flux helm-controller', async () => {
    const { kc, server } = cluster;
    const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    expect(groups.groups.map(g => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'helm.toolkit.fluxcd.io']),
    );
    const res = await fetch(
      `${server.baseUrl}/apis/helm.toolkit.fluxcd.io/v2`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    const list = await res.json();
    expect(list.resources.map((r: { name: string }) => r.name)).toEqual([
      'helmreleases',
      'helmreleases/status',
    ]);
  });

  it('lets an informer follow adds, updates and deletes, and re-list after 410 Gone', async () => {
    const { kc, core, store, server } = cluster;
    const seen: string[] = [];
    const informer = k8s.makeInformer(
      kc,
      '/api/v1/namespaces/default/pods',
      () => core.listNamespacedPod({ namespace: 'default' }),
    );
    informer.on('add', o => seen.push(`add ${o.metadata!.name}`));
    informer.on('update', o =>
      seen.push(`update ${o.metadata!.name} ${o.metadata!.labels?.assigned}`),
    );
    informer.on('delete', o => seen.push(`delete ${o.metadata!.name}`));
    await informer.start();
    try {
      await core.createNamespacedPod({
        namespace: 'default',
        body: pod('w1', { assigned: 'false' }),
      });
      await eventually('add', () => seen.includes('add w1'));
      await core.patchNamespacedPod(
        {
          namespace: 'default',
          name: 'w1',
          body: { metadata: { labels: { assigned: 'true' } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually('update', () => seen.includes('update w1 true'));
      await core.deleteNamespacedPod({ namespace: 'default', name: 'w1' });
      await eventually('delete', () => seen.includes('delete w1'));

      // The watch's resourceVersion expires: the server answers 410 and the informer must list again.
      await informer.stop();
      store.compact();
      await core.createNamespacedPod({ namespace: 'default', body: pod('w2') });
      store.compact();
      const res = await fetch(
        `${server.baseUrl}/api/v1/namespaces/default/pods?watch=true&resourceVersion=1`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      );
      const firstLine = (await res.text()).split('\n')[0];
      expect(JSON.parse(firstLine)).toMatchObject({
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired' },
      });
      await informer.start();
      await eventually('re-listed w2', () => seen.includes('add w2'));
      expect(informer.list().map(p => p.metadata!.name)).toEqual(['w2']);
    } finally {
      await informer.stop();
    }
  });

  it('streams watch events with bookmarks, selectors and a timeout', async () => {
    const { core, server, store } = cluster;
    const from = store.currentRevision;
    const watchUrl = `${server.baseUrl}/api/v1/namespaces/default/pods?watch=1&labelSelector=pool%3Dwarm&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${from}`;
    const body = fetch(watchUrl, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    }).then(r => r.text());
    await new Promise(r => setTimeout(r, 100));
    await core.createNamespacedPod({ namespace: 'default', body: pod('cold') });
    await core.createNamespacedPod({
      namespace: 'default',
      body: pod('warm', { pool: 'warm' }),
    });
    await core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'cold',
        body: { metadata: { labels: { pool: 'warm' } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.patchNamespacedPod(
      {
        namespace: 'default',
        name: 'warm',
        body: { metadata: { labels: { pool: null } } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const events = (await body)
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    const changes = events
      .filter(e => e.type !== 'BOOKMARK')
      .map(e => `${e.type} ${e.object.metadata.name}`);
    expect(changes).toEqual(['ADDED warm', 'ADDED cold', 'DELETED warm']);
    expect(
      events.some(
        e =>
          e.type === 'BOOKMARK' &&
          /^\d+$/.test(e.object.metadata.resourceVersion),
      ),
    ).toBe(true);
  });
});
