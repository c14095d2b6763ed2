import type {
  Batch,
  BlastRadiusEntry,
  Cluster,
  ClusterStatus,
  UpgradeWavesApi,
  Wave,
  WaveDetail,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** The users of the tests: grace starts waves, ada approves them. */
export const GRACE = 'user:default/grace';
export const ADA = 'user:default/ada';

const AT = '2026-11-29T10:00:00.000Z';

/** A registered cluster on 1.22.3. */
export function cluster(
  name: string,
  batchId: string,
  overrides: Partial<Cluster> = {},
): Cluster {
  return {
    clusterId: name,
    name,
    batchId,
    environment: batchId.split('-')[0],
    region: 'eu-west-1',
    account: 'sandbox',
    access: { kubernetesClusterName: name },
    gitops: {
      project: `platform/gitops-${name}`,
      branch: 'main',
      paths: [`clusters/${name}/istio/istiod.yaml`],
    },
    istioVersion: '1.22.3',
    owners: ['group:default/platform'],
    status: 'HEALTHY',
    updatedAt: AT,
    ...overrides,
  };
}

/** A batch with its clusters; its versions are counted from them. */
export function batch(
  batchId: string,
  order: number,
  clusters: Cluster[],
  soakSeconds = 3600,
): Batch {
  const versions: Record<string, number> = {};
  for (const c of clusters) {
    versions[c.istioVersion] = (versions[c.istioVersion] ?? 0) + 1;
  }
  return { batchId, order, soakSeconds, clusters, versions };
}

/** The sandbox's fleet: test (on 1.23.0 half-way), dev-wave-1, staging, prod-wave-1. */
export function fleet(): Batch[] {
  return [
    batch('test', 0, [
      cluster('test-1', 'test', { istioVersion: '1.23.0' }),
      cluster('test-2', 'test', { status: 'UPGRADING' }),
    ]),
    batch('dev-wave-1', 1, [
      cluster('dev-eu-1', 'dev-wave-1'),
      cluster('dev-us-1', 'dev-wave-1'),
    ]),
    batch('staging', 2, [cluster('staging-eu-1', 'staging')]),
    batch('prod-wave-1', 3, [
      cluster('prod-eu-1', 'prod-wave-1'),
      cluster('prod-us-1', 'prod-wave-1'),
    ]),
  ];
}

/** A wave on test to 1.23.0, started by grace, awaiting approval. */
export function wave(overrides: Partial<Wave> = {}): Wave {
  return {
    id: 'wave-1',
    batchId: 'test',
    targetVersion: '1.23.0',
    previousVersion: '1.22.3',
    status: 'AWAITING_APPROVAL',
    paused: false,
    createdBy: GRACE,
    createdAt: AT,
    updatedAt: AT,
    soakSeconds: 600,
    orderOverridden: false,
    thresholds: {
      maxErrorRateIncrease: 0.01,
      maxLatencyIncreasePercent: 20,
      minRequestRate: 1,
    },
    mergeRequests: [
      {
        kind: 'upgrade',
        project: 'platform/gitops-test',
        iid: 7,
        webUrl: 'http://gitlab.example/platform/gitops-test/-/merge_requests/7',
        branch: 'feature/istio-1.23.0-test',
        title: 'Istio upgrade to v1.23.0 for test',
        state: 'opened',
        diff: { files: 6, additions: 6, deletions: 6 },
      },
    ],
    ...overrides,
  };
}

/** The wave with its two clusters, their pre-checks, metrics and audit log. */
export function waveDetail(
  overrides: Partial<WaveDetail> = {},
  clusterStatus: ClusterStatus = 'MR_CREATED',
): WaveDetail {
  const base = wave(overrides);
  const baseline = {
    requestRate: 52,
    errorRate: 0.002,
    latencyP95Ms: 120,
    at: '2026-11-29T10:00:05.000Z',
  };
  return {
    ...base,
    clusters: ['test-1', 'test-2'].map(name => ({
      clusterId: name,
      name,
      status: clusterStatus,
      statusSince: '2026-11-29T10:00:10.000Z',
      baseline,
      latest: { ...baseline, errorRate: 0.003, latencyP95Ms: 130 },
    })),
    checks: ['test-1', 'test-2'].flatMap(clusterId => [
      {
        clusterId,
        check: 'api-server' as const,
        phase: 'pre' as const,
        outcome: 'passed' as const,
        message: '/readyz answered ok',
        detail: { readyz: 'ok' },
        durationMs: 12,
        at: '2026-11-29T10:00:02.000Z',
      },
      {
        clusterId,
        check: 'istiod' as const,
        phase: 'pre' as const,
        outcome: 'passed' as const,
        message: 'istiod 1.22.3 ready (1/1)',
        detail: { version: '1.22.3', ready: 1 },
        durationMs: 30,
        at: '2026-11-29T10:00:03.000Z',
      },
    ]),
    events: [
      {
        id: 1,
        waveId: base.id,
        type: 'wave-status',
        to: 'PRE_CHECKS',
        actor: GRACE,
        message: 'started wave to 1.23.0 on test',
        at: AT,
      },
      {
        id: 2,
        waveId: base.id,
        type: 'wave-status',
        from: 'PRE_CHECKS',
        to: 'AWAITING_APPROVAL',
        actor: 'fleetdeck:orchestrator',
        message: 'merge request !7 opened',
        links: [{ title: 'MR !7', url: base.mergeRequests[0]?.webUrl ?? '' }],
        at: '2026-11-29T10:00:20.000Z',
      },
    ],
    ...overrides,
  };
}

/** The Components on the wave's clusters. */
export function blastRadius(): BlastRadiusEntry[] {
  return [
    {
      entityRef: 'component:default/cart',
      title: 'Cart',
      owner: 'group:default/team-shop',
      clusters: ['test-1', 'test-2'],
      via: ['kubernetes-id'],
    },
  ];
}

/** A fake of the API answering with the fixtures above; override any method per test. */
export function mockUpgradeWavesApi(
  overrides: Partial<jest.Mocked<UpgradeWavesApi>> = {},
): jest.Mocked<UpgradeWavesApi> {
  const batches = fleet();
  const api: Record<keyof UpgradeWavesApi, jest.Mock> = {
    listClusters: jest.fn(async () => batches.flatMap(b => b.clusters)),
    getCluster: jest.fn(async (id: string) => {
      const found = batches
        .flatMap(b => b.clusters)
        .find(c => c.clusterId === id);
      if (!found) throw new Error(`no cluster ${id}`);
      return found;
    }),
    registerCluster: jest.fn(),
    listBatches: jest.fn(async () => batches),
    getPrerequisite: jest.fn(
      async (batchId: string, targetVersion: string) => ({
        batchId,
        satisfied: true,
        message: `${batchId} is first in rollout order; ${targetVersion} may start`,
      }),
    ),
    listWaves: jest.fn(async () => [wave()]),
    getWave: jest.fn(async () => waveDetail()),
    startWave: jest.fn(
      async (request: { batchId: string; targetVersion: string }) =>
        wave({
          id: 'wave-2',
          batchId: request.batchId,
          targetVersion: request.targetVersion,
          status: 'PRE_CHECKS',
        }),
    ),
    approveWave: jest.fn(async () => wave({ status: 'UPGRADING' })),
    rejectWave: jest.fn(async () => wave({ status: 'CANCELLED' })),
    pauseWave: jest.fn(async () => wave({ paused: true })),
    resumeWave: jest.fn(async () => wave({ paused: false })),
    rollbackWave: jest.fn(async () => wave({ status: 'ROLLING_BACK' })),
    cancelWave: jest.fn(async () => wave({ status: 'CANCELLED' })),
    // Back to the step it stopped at; the attention is cleared.
    retryWave: jest.fn(async () => wave({ status: 'UPGRADING' })),
    getBlastRadius: jest.fn(async () => blastRadius()),
    getComponentWaves: jest.fn(async (entityRef: string) => ({
      entityRef,
      clusters: [
        { clusterId: 'test-1', name: 'test-1' },
        { clusterId: 'test-2', name: 'test-2' },
      ],
      waves: [wave()],
    })),
  };
  return { ...api, ...overrides } as jest.Mocked<UpgradeWavesApi>;
}
