import { Fleet } from '@fleetdeck/sandbox';
import type { Batch, Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import {
  sandboxWaveConfig,
  startWaveBackend,
  WaveBackend,
} from './__testUtils__/startWaveBackend';
import {
  ADA,
  clusterPaths,
  deploymentGenerations,
  gitlabWrites,
  GRACE,
  HEALTHY_PATH,
  HEALTHY_WAVE_PATH,
  NOBODY,
  podsReadyAt,
  waveApi,
} from './__testUtils__/waveApi';

jest.setTimeout(180_000);

describe('upgrade waves against the sandbox fleet', () => {
  let fleet: Fleet;
  let backend: WaveBackend;
  let dataDir: string;

  const { call, waitForWave } = waveApi(() => backend.url);
  const gitlabRequests = (pattern: RegExp, method: string) =>
    gitlabWrites(fleet, method, pattern);

  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 200,
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-waves-'));
    backend = await startWaveBackend({
      deniedUsers: [NOBODY],
      config: sandboxWaveConfig(
        fleet,
        { client: 'better-sqlite3', connection: { directory: dataDir } },
        { orchestratorTimeoutSeconds: 30, soakSeconds: 1 },
      ),
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'cart',
            annotations: { 'backstage.io/kubernetes-id': 'cart' },
          },
          spec: { type: 'service', owner: 'group:default/team-shop' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'edge-cache',
            annotations: { 'fleetdeck.io/clusters': 'test-2, prod-eu-1' },
          },
          spec: { type: 'service', owner: 'group:default/team-edge' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'elsewhere' },
          spec: { type: 'service', owner: 'group:default/other' },
        },
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds the registry from config and lists batches in rollout order', async () => {
    const clusters: Cluster[] = (await call('GET', '/clusters', ADA)).body;
    expect(clusters.map(c => c.clusterId).sort()).toEqual(
      fleet.clusters.map(c => c.cluster.name).sort(),
    );
    const batches: Batch[] = (await call('GET', '/batches', ADA)).body;
    expect(batches.map(b => b.batchId)).toEqual([
      'test',
      'dev-wave-1',
      'staging',
      'prod-wave-1',
      'prod-wave-2',
    ]);
    expect(batches[0].versions).toEqual({ '1.22.3': 2 });
    expect((await call('GET', '/clusters/nope', ADA)).status).toBe(404);
  });

  it('halts in pre-checks when an alert fires on one cluster, before any branch or merge request', async () => {
    fleet.metrics.fireAlert('test-2', {
      alertname: 'IstioPilotDown',
      severity: 'critical',
      summary: 'istiod is not serving',
    });
    try {
      const started = await call('POST', '/waves', ADA, {
        batchId: 'test',
        targetVersion: '1.23.0',
        soakSeconds: 1,
      });
      expect(started.status).toBe(201);
      const wave = await waitForWave(
        started.body.id,
        w => w.status === 'HALTED',
      );
      const alerts = wave.checks.find(
        c => c.clusterId === 'test-2' && c.check === 'alerts',
      );
      expect(alerts?.outcome).toBe('failed');
      expect(wave.clusters.find(c => c.clusterId === 'test-2')?.status).toBe(
        'PRE_CHECK_FAILED',
      );
      expect(wave.mergeRequests).toEqual([]);
      expect(fleet.gitlab.listMergeRequests('platform/gitops-test')).toEqual(
        [],
      );
      expect(gitlabRequests(/repository\/branches/, 'POST')).toEqual([]);
      expect(gitlabRequests(/repository\/commits/, 'POST')).toEqual([]);
      expect(wave.events.some(e => e.to === 'HALTED')).toBe(true);
    } finally {
      fleet.metrics.resolveAlert('test-2', 'IstioPilotDown');
    }
  });

  it('takes a wave on test through every state to HEALTHY with one merge request, approved by another person', async () => {
    const before = fleet.clusters
      .filter(c => c.batch === 'test')
      .flatMap(c =>
        [
          `clusters/${c.cluster.name}/istio/base.yaml`,
          `clusters/${c.cluster.name}/istio/istiod.yaml`,
          `clusters/${c.cluster.name}/istio/gateway.yaml`,
        ].map(file => ({
          file,
          text: fleet.gitlab.readFile('platform/gitops-test', file)!,
        })),
      );
    const started = await call('POST', '/waves', ADA, {
      batchId: 'test',
      targetVersion: '1.23.0',
      soakSeconds: 1,
      reason: 'quarterly upgrade',
    });
    expect(started.status).toBe(201);
    const waveId = started.body.id;

    let wave = await waitForWave(waveId, w => w.status === 'AWAITING_APPROVAL');
    expect(wave.mergeRequests).toHaveLength(1);
    const [mr] = wave.mergeRequests;
    expect(mr.branch).toBe('feature/istio-1.23.0-test');
    expect(mr.title).toBe('Istio upgrade to v1.23.0 for test');
    const [gitlabMr] = fleet.gitlab.listMergeRequests('platform/gitops-test');
    expect(gitlabMr.description).toContain('test-1');
    expect(gitlabMr.description).toContain('test-2');
    expect(gitlabMr.description).toMatch(/baseline/i);
    expect(wave.clusters.every(c => c.baseline)).toBe(true);
    expect(
      backend.notifications.some(n =>
        (n.recipients as any).entityRef?.includes?.(
          'group:default/platform-operators',
        ),
      ),
    ).toBe(true);

    // four-eyes: the starter's own approval is refused
    const own = await call('POST', `/waves/${waveId}/approve`, ADA, {
      comment: 'looks good to me',
    });
    expect(own.status).toBe(403);
    const approved = await call('POST', `/waves/${waveId}/approve`, GRACE, {
      comment: 'pre-checks green, go',
    });
    expect(approved.status).toBe(200);

    wave = await waitForWave(waveId, w => w.status === 'SUCCEEDED');
    expect(wave.clusters.map(c => c.status)).toEqual(['HEALTHY', 'HEALTHY']);
    expect(wave.decision).toMatchObject({ decision: 'approved', by: GRACE });

    // the soak watched the upgraded workloads: it started only once every restarted pod was Ready again
    const soakStarted = Date.parse(
      wave.events.find(e => e.to === 'SOAKING')!.at,
    );
    const restartedPods = ['test-1', 'test-2'].flatMap(name =>
      podsReadyAt(fleet, name, 'shop'),
    );
    expect(restartedPods.length).toBeGreaterThan(0);
    expect(
      restartedPods.filter(p => Date.parse(p.readyAt) > soakStarted),
    ).toEqual([]);
    expect(wave.mergeRequests[0].state).toBe('merged');

    // exactly one branch, one commit, one merge request, one merge
    expect(gitlabRequests(/repository\/branches$/, 'POST')).toHaveLength(1);
    expect(gitlabRequests(/repository\/commits$/, 'POST')).toHaveLength(1);
    expect(gitlabRequests(/merge_requests$/, 'POST')).toHaveLength(1);
    expect(gitlabRequests(/merge_requests\/\d+\/merge$/, 'PUT')).toHaveLength(
      1,
    );

    // the diff changes only chart versions
    for (const { file, text } of before) {
      const after = fleet.gitlab.readFile('platform/gitops-test', file)!;
      const changed = after
        .split('\n')
        .filter((line, i) => line !== text.split('\n')[i]);
      expect(changed).toHaveLength(1);
      expect(changed[0]).toMatch(/^\s+version: "1\.23\.0"/);
      expect(after.replace('"1.23.0"', '"1.22.3"')).toBe(text);
    }

    // istiod and every istio-proxy on the target
    for (const name of ['test-1', 'test-2']) {
      expect(fleet.cluster(name).istioVersion()).toBe('1.23.0');
    }
    const proxyChecks = wave.checks.filter(
      c => c.check === 'istio-proxies' && c.phase === 'post',
    );
    expect(proxyChecks).toHaveLength(2);
    expect(proxyChecks.find(c => c.clusterId === 'test-2')?.outcome).toBe(
      'passed',
    );
    // test-1 runs a warm pool: its provisioner's pods take the new sidecar as it replaces them
    const test1 = proxyChecks.find(c => c.clusterId === 'test-1');
    expect(
      test1?.outcome === 'passed' || test1?.message.includes('sessions/'),
    ).toBe(true);

    // the event log has every cluster transition, each once; each workload restarted once
    expect(clusterPaths(wave)).toEqual({
      'test-1': HEALTHY_PATH,
      'test-2': HEALTHY_PATH,
    });
    for (const name of ['test-1', 'test-2']) {
      const generations = Object.values(
        deploymentGenerations(fleet, name, 'shop'),
      );
      expect(generations.length).toBeGreaterThan(0);
      expect(generations.every(g => g === 2)).toBe(true);
    }
    expect(
      wave.events.filter(e => e.type === 'wave-status').map(e => e.to),
    ).toEqual(HEALTHY_WAVE_PATH);
    expect(wave.events.find(e => e.type === 'approved')?.actor).toBe(GRACE);
    expect(
      backend.signals.some(s => s.channel === `upgrade-waves:wave:${waveId}`),
    ).toBe(true);

    const clusters: Cluster[] = (await call('GET', '/clusters', ADA)).body;
    for (const c of clusters.filter(x => x.batchId === 'test')) {
      expect(c).toMatchObject({ istioVersion: '1.23.0', status: 'HEALTHY' });
    }

    const radius = (await call('GET', `/waves/${waveId}/blast-radius`, ADA))
      .body;
    expect(radius).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/cart',
        owner: 'group:default/team-shop',
        clusters: ['test-1', 'test-2'],
        via: ['kubernetes-id'],
      }),
      expect.objectContaining({
        entityRef: 'component:default/edge-cache',
        clusters: ['test-2'],
        via: ['annotation'],
      }),
    ]);

    // The Component's tab: the clusters it runs on and the waves that touched them.
    const cart = await call(
      'GET',
      `/components/waves?entityRef=${encodeURIComponent(
        'Component:default/cart',
      )}`,
      ADA,
    );
    expect(cart.status).toBe(200);
    expect(cart.body.entityRef).toBe('component:default/cart');
    expect(cart.body.clusters.map((c: Cluster) => c.name)).toEqual(
      expect.arrayContaining(['test-1', 'test-2']),
    );
    expect(cart.body.waves.map((w: { id: string }) => w.id)).toContain(waveId);
    const elsewhere = await call(
      'GET',
      '/components/waves?entityRef=component:default/elsewhere',
      ADA,
    );
    expect(elsewhere.body).toEqual({
      entityRef: 'component:default/elsewhere',
      clusters: [],
      waves: [],
    });
    const notAComponent = await call(
      'GET',
      '/components/waves?entityRef=group:default/team-shop',
      ADA,
    );
    expect(notAComponent.status).toBe(400);
    expect(notAComponent.body.error.message).toContain('entityRef');
  });

  it('rolls back with a rollback merge request when metrics regress after the upgrade', async () => {
    const started = await call('POST', '/waves', ADA, {
      batchId: 'test',
      targetVersion: '1.24.0',
      soakSeconds: 1,
    });
    expect(started.status).toBe(201);
    const waveId = started.body.id;
    await waitForWave(waveId, w => w.status === 'AWAITING_APPROVAL');
    // Regress one cluster's traffic while the new version rolls out.
    expect(
      (await call('POST', `/waves/${waveId}/approve`, GRACE, { comment: 'go' }))
        .status,
    ).toBe(200);
    await waitForWave(
      waveId,
      w => w.status === 'UPGRADING' || w.status === 'SOAKING',
    );
    fleet.metrics.regression('test-1', { errorRate: 0.25 });
    const wave = await waitForWave(waveId, w => w.status === 'ROLLED_BACK');
    expect(wave.clusters.map(c => c.status)).toEqual([
      'FAILED_UPGRADE_ROLLED_BACK',
      'FAILED_UPGRADE_ROLLED_BACK',
    ]);
    const rollback = wave.mergeRequests.find(m => m.kind === 'rollback');
    expect(rollback).toMatchObject({
      branch: 'rollback/istio-1.23.0-test',
      title: 'Rollback Istio to v1.23.0 for test',
      state: 'merged',
    });
    const comparison = wave.checks.find(
      c => c.clusterId === 'test-1' && c.check === 'metric-comparison',
    );
    expect(comparison?.outcome).toBe('failed');
    expect(comparison?.message).toMatch(/error rate/);
    expect(fleet.cluster('test-1').istioVersion()).toBe('1.23.0');
    expect(fleet.cluster('test-2').istioVersion()).toBe('1.23.0');
    const clusters: Cluster[] = (await call('GET', '/clusters', ADA)).body;
    for (const c of clusters.filter(x => x.batchId === 'test')) {
      expect(c).toMatchObject({
        istioVersion: '1.23.0',
        status: 'FAILED_UPGRADE_ROLLED_BACK',
      });
    }
    fleet.metrics.normalTraffic('test-1');
  });

  describe('the REST API', () => {
    const routes: Array<[string, string, (id: string) => string, object]> = [
      ['register a cluster', 'POST', () => '/clusters', {}],
      ['start a wave', 'POST', () => '/waves', {}],
      ['approve', 'POST', id => `/waves/${id}/approve`, { comment: 'ok' }],
      ['reject', 'POST', id => `/waves/${id}/reject`, { comment: 'no' }],
      ['pause', 'POST', id => `/waves/${id}/pause`, {}],
      ['resume', 'POST', id => `/waves/${id}/resume`, {}],
      ['cancel', 'POST', id => `/waves/${id}/cancel`, {}],
      ['roll back', 'POST', id => `/waves/${id}/rollback`, {}],
    ];

    it.each(routes)(
      'answers 403 to a user without the permission to %s',
      async (_name, method, route) => {
        const waves = (await call('GET', '/waves', ADA)).body;
        const response = await call(method, route(waves[0].id), NOBODY, {
          batchId: 'staging',
          targetVersion: '9.9.9',
        });
        expect(response.status).toBe(403);
      },
    );

    it('answers 400 naming the field for malformed bodies, and changes nothing', async () => {
      const countBefore = (await call('GET', '/waves', ADA)).body.length;
      const badVersion = await call('POST', '/waves', ADA, {
        batchId: 'staging',
        targetVersion: 'latest',
      });
      expect(badVersion.status).toBe(400);
      expect(badVersion.body.error.message).toContain('targetVersion');
      const missing = await call('POST', '/waves', ADA, {
        targetVersion: '1.2.3',
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('batchId');
      const extra = await call('POST', '/waves', ADA, {
        batchId: 'staging',
        targetVersion: '1.2.3',
        force: true,
      });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toContain('force');
      const notJson = await call('POST', '/waves', ADA, '{"batchId": ');
      expect(notJson.status).toBe(400);
      const waves = (await call('GET', '/waves', ADA)).body;
      const noComment = await call(
        'POST',
        `/waves/${waves[0].id}/approve`,
        GRACE,
        {},
      );
      expect(noComment.status).toBe(400);
      expect(noComment.body.error.message).toContain('comment');
      const badCluster = await call('POST', '/clusters', ADA, {
        clusterId: 'Not A DNS Label',
        name: 'x',
      });
      expect(badCluster.status).toBe(400);
      expect(badCluster.body.error.message).toContain('clusterId');
      expect((await call('GET', '/waves', ADA)).body).toHaveLength(countBefore);
    });

    it('answers 409 when approving a wave that is not awaiting approval, and 404 for unknown waves', async () => {
      const waves = (await call('GET', '/waves', ADA)).body;
      const done = waves.find((w: any) => w.status === 'SUCCEEDED');
      const response = await call('POST', `/waves/${done.id}/approve`, GRACE, {
        comment: 'late',
      });
      expect(response.status).toBe(409);
      expect(response.body.error.message).toContain('SUCCEEDED');
      expect(
        (await call('POST', '/waves/nope/approve', GRACE, { comment: 'x' }))
          .status,
      ).toBe(404);
      expect((await call('GET', '/waves/nope', ADA)).status).toBe(404);
    });

    it('keeps batches in order: a later batch waits for the one before unless the order is overridden', async () => {
      const blocked = await call('POST', '/waves', ADA, {
        batchId: 'staging',
        targetVersion: '1.23.0',
      });
      expect(blocked.status).toBe(409);
      expect(blocked.body.error.message).toContain('dev-wave-1');
      const overridden = await call('POST', '/waves', ADA, {
        batchId: 'staging',
        targetVersion: '1.23.0',
        overrideOrder: true,
      });
      expect(overridden.status).toBe(201);
      expect(overridden.body.orderOverridden).toBe(true);
      const again = await call('POST', '/waves', ADA, {
        batchId: 'staging',
        targetVersion: '1.23.0',
        overrideOrder: true,
      });
      expect(again.status).toBe(409);
      const paused = await call(
        'POST',
        `/waves/${overridden.body.id}/pause`,
        GRACE,
        {
          comment: 'hold on',
        },
      );
      expect(paused.status).toBe(200);
      expect(paused.body.paused).toBe(true);
      const cancelled = await call(
        'POST',
        `/waves/${overridden.body.id}/cancel`,
        GRACE,
        { comment: 'not today' },
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('CANCELLED');
    });

    it('takes no step while paused, goes on when resumed, and closes the merge request when rejected', async () => {
      const started = await call('POST', '/waves', ADA, {
        batchId: 'dev-wave-1',
        targetVersion: '1.23.0',
        overrideOrder: true,
      });
      expect(started.status).toBe(201);
      const waveId = started.body.id;
      const paused = await call('POST', `/waves/${waveId}/pause`, GRACE, {
        comment: 'change freeze',
      });
      expect(paused.status).toBe(200);
      // Several orchestrator runs later, the wave has not moved.
      await new Promise(r => setTimeout(r, 3000));
      const held = (await call('GET', `/waves/${waveId}`, ADA)).body;
      expect(held.status).toBe('PRE_CHECKS');
      expect(held.paused).toBe(true);
      expect(held.checks).toEqual([]);
      expect(
        (await call('POST', `/waves/${waveId}/pause`, GRACE, {})).status,
      ).toBe(409);

      expect(
        (await call('POST', `/waves/${waveId}/resume`, GRACE, {})).status,
      ).toBe(200);
      const awaiting = await waitForWave(
        waveId,
        w => w.status === 'AWAITING_APPROVAL',
      );
      const [mr] = awaiting.mergeRequests;
      const rejected = await call('POST', `/waves/${waveId}/reject`, GRACE, {
        comment: 'not during the sale',
      });
      expect(rejected.status).toBe(200);
      expect(rejected.body.status).toBe('CANCELLED');
      const closed = await waitForWave(
        waveId,
        w => w.mergeRequests[0]?.state === 'closed',
      );
      expect(closed.decision).toMatchObject({
        decision: 'rejected',
        by: GRACE,
      });
      expect(
        fleet.gitlab
          .listMergeRequests('platform/gitops-dev-wave-1')
          .find(m => m.iid === mr.iid)?.state,
      ).toBe('closed');
      expect(closed.events.map(e => e.type)).toEqual(
        expect.arrayContaining(['paused', 'resumed', 'rejected']),
      );
    });

    it('registers a cluster', async () => {
      const response = await call('POST', '/clusters', ADA, {
        clusterId: 'dev-ap-1',
        name: 'dev-ap-1',
        batchId: 'dev-wave-1',
        environment: 'dev',
        region: 'ap-southeast-1',
        // a registration names a configured kubernetes entry (the sandbox has none called dev-ap-1)
        access: { kubernetesClusterName: 'dev-eu-1' },
        gitops: {
          project: 'platform/gitops-dev-wave-1',
          paths: ['clusters/dev-ap-1/istio/istiod.yaml'],
        },
        istioVersion: '1.22.3',
        owners: ['group:default/platform'],
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        clusterId: 'dev-ap-1',
        status: 'PENDING',
      });
      expect((await call('GET', '/clusters/dev-ap-1', ADA)).body.region).toBe(
        'ap-southeast-1',
      );
    });
  });
});
