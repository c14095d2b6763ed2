import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import { startDynalite } from '@fleetdeck/sandbox';
import { DatabaseClusterRegistry } from './DatabaseClusterRegistry';
import { DynamoDbClusterRegistry } from './DynamoDbClusterRegistry';
import { ClusterRegistry } from './types';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

interface StoreUnderTest {
  registry: ClusterRegistry;
  stop(): Promise<void>;
}

/** Each store, started empty for every test. */
const stores: Array<[string, () => Promise<StoreUnderTest>]> = [
  ...databases
    .eachSupportedId()
    .map(([id]): [string, () => Promise<StoreUnderTest>] => [
      `database (${id})`,
      async () => {
        const knex = await databases.init(id);
        return {
          registry: await DatabaseClusterRegistry.create({ knex }),
          stop: async () => {},
        };
      },
    ]),
  [
    'dynamodb (dynalite)',
    async () => {
      const sandbox = await startDynalite({ createRegistryTable: true });
      const client = new DynamoDBClient({
        endpoint: sandbox.endpoint,
        region: sandbox.region,
        credentials: sandbox.credentials,
      });
      return {
        registry: new DynamoDbClusterRegistry(client),
        stop: async () => {
          client.destroy();
          await sandbox.stop();
        },
      };
    },
  ],
];

type NewCluster = Omit<Cluster, 'updatedAt'>;

/** A cluster with every optional field set. */
function fullCluster(overrides: Partial<NewCluster> = {}): NewCluster {
  return {
    clusterId: 'eks-prod-eu-1',
    name: 'prod-eu-1',
    batchId: 'prod-wave-1',
    environment: 'prod',
    region: 'eu-west-1',
    account: '123456789012',
    roleArn: 'arn:aws:iam::123456789012:role/fleetdeck-upgrades',
    access: {
      kubernetesClusterName: 'prod-eu-1',
      kubeconfigContext: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-eu-1',
    },
    gitops: {
      project: 'platform/gitops-prod',
      branch: 'main',
      paths: [
        'clusters/prod-eu-1/istio/base.yaml',
        'clusters/prod-eu-1/istio/istiod.yaml',
        'clusters/prod-eu-1/istio/gateway.yaml',
      ],
    },
    istioVersion: '1.23.4',
    istioRevision: '1-23-4',
    owners: ['group:default/platform', 'user:default/ana'],
    status: 'PENDING',
    metrics: {
      requestRate: 'sum(rate(istio_requests_total{cluster="{cluster}"}[5m]))',
      errorRate:
        'sum(rate(istio_requests_total{cluster="{cluster}",response_code=~"5.."}[5m]))',
      latencyP95Ms:
        'histogram_quantile(0.95, sum(rate(istio_request_duration_milliseconds_bucket{cluster="{cluster}"}[5m])) by (le))',
    },
    datadogTags: ['cluster_name:prod-eu-1', 'env:prod'],
    ...overrides,
  };
}

/** A cluster with only the required fields. */
function minimalCluster(overrides: Partial<NewCluster> = {}): NewCluster {
  return {
    clusterId: 'kind-test-1',
    name: 'test-1',
    batchId: 'test',
    environment: 'test',
    region: 'local',
    access: {},
    gitops: { project: 'platform/gitops-test', paths: ['istio.yaml'] },
    istioVersion: '1.23.4',
    owners: [],
    status: 'PENDING',
    ...overrides,
  };
}

/** Resolves once the clock shows a later millisecond than `timestamp`, so a new updatedAt is distinguishable. */
async function clockPast(timestamp: string) {
  while (new Date().toISOString() <= timestamp) {
    await new Promise(resolve => setTimeout(resolve, 1));
  }
}

describe.each(stores)('ClusterRegistry on %s', (_store, start) => {
  let store: StoreUnderTest | undefined;
  let registry: ClusterRegistry;

  beforeEach(async () => {
    store = await start();
    registry = store.registry;
  });

  afterEach(async () => {
    await store?.stop();
    store = undefined;
  });

  it('returns every field of a put cluster from put, get and list', async () => {
    const cluster = fullCluster();
    const stored = await registry.put(cluster);

    expect(stored).toEqual({ ...cluster, updatedAt: expect.any(String) });
    expect(new Date(stored.updatedAt).toISOString()).toBe(stored.updatedAt);
    expect(await registry.get(cluster.clusterId)).toEqual(stored);
    expect(await registry.list()).toEqual([stored]);
    expect(await registry.listByBatch(cluster.batchId)).toEqual([stored]);
  });

  it('returns a cluster without optional fields without those keys', async () => {
    const stored = await registry.put(minimalCluster());

    const got = await registry.get('kind-test-1');
    expect(got).toEqual(stored);
    expect(Object.keys(got!).sort()).toEqual(
      [
        'access',
        'batchId',
        'clusterId',
        'environment',
        'gitops',
        'istioVersion',
        'name',
        'owners',
        'region',
        'status',
        'updatedAt',
      ].sort(),
    );
    expect(Object.keys(got!.gitops).sort()).toEqual(['paths', 'project']);
  });

  it('returns undefined for an unknown cluster', async () => {
    expect(await registry.get('no-such-cluster')).toBeUndefined();
  });

  it('lists by batch, then name, then id, comparing by code point', async () => {
    const specs: Array<[string, string, string]> = [
      // [clusterId, batchId, name]
      ['c-6', 'staging', 'stg-1'],
      ['c-5', 'prod-wave-10', 'a'],
      ['c-4', 'prod-wave-1', 'prod-b'],
      ['c-3', 'prod-wave-1', 'Prod-z'],
      ['c-2', 'prod-wave-1', 'prod-a'],
      ['c-9', 'prod-wave-1', 'prod-a'],
      ['c-1', 'dev-wave-1', 'dev-1'],
      ['c-7', 'prod_wave', 'x'],
    ];
    for (const [clusterId, batchId, name] of specs) {
      await registry.put(minimalCluster({ clusterId, batchId, name }));
    }

    const listed = (await registry.list()).map(c => [
      c.clusterId,
      c.batchId,
      c.name,
    ]);
    expect(listed).toEqual([
      ['c-1', 'dev-wave-1', 'dev-1'],
      ['c-3', 'prod-wave-1', 'Prod-z'],
      ['c-2', 'prod-wave-1', 'prod-a'],
      ['c-9', 'prod-wave-1', 'prod-a'],
      ['c-4', 'prod-wave-1', 'prod-b'],
      ['c-5', 'prod-wave-10', 'a'],
      ['c-7', 'prod_wave', 'x'],
      ['c-6', 'staging', 'stg-1'],
    ]);
  });

  it('lists only the clusters of the asked batch, by name', async () => {
    await registry.put(fullCluster({ clusterId: 'p-2', name: 'prod-2' }));
    await registry.put(
      fullCluster({ clusterId: 's-1', name: 'stg-1', batchId: 'staging' }),
    );
    await registry.put(fullCluster({ clusterId: 'p-1', name: 'prod-1' }));

    expect(
      (await registry.listByBatch('prod-wave-1')).map(c => c.clusterId),
    ).toEqual(['p-1', 'p-2']);
    expect(
      (await registry.listByBatch('staging')).map(c => c.clusterId),
    ).toEqual(['s-1']);
    expect(await registry.listByBatch('no-such-batch')).toEqual([]);
  });

  it('lists a batch larger than one DynamoDB page (1 MB) completely', async () => {
    // 130 clusters of about 10 kB each: over a megabyte, so Scan and Query need several pages.
    const padding = 'x'.repeat(240);
    const big = Array.from({ length: 130 }, (_, i) =>
      fullCluster({
        clusterId: `big-${String(i).padStart(3, '0')}`,
        name: `big-${String(i).padStart(3, '0')}`,
        datadogTags: Array.from(
          { length: 40 },
          (__, tag) => `tag_${tag}:${padding}`,
        ),
      }),
    );
    for (const cluster of big) await registry.put(cluster);
    await registry.put(fullCluster({ clusterId: 'other', batchId: 'staging' }));

    const batch = await registry.listByBatch('prod-wave-1');
    expect(batch.map(c => c.clusterId)).toEqual(big.map(c => c.clusterId));
    expect(batch[129].datadogTags).toEqual(big[129].datadogTags);

    const all = await registry.list();
    expect(all.map(c => c.clusterId)).toEqual([
      ...big.map(c => c.clusterId),
      'other',
    ]);
  }, 60_000);

  it('updates status and version, returning the new record with a later updatedAt', async () => {
    const before = await registry.put(fullCluster());
    await clockPast(before.updatedAt);

    const updated = await registry.update(before.clusterId, {
      status: 'HEALTHY',
      istioVersion: '1.24.2',
      istioRevision: '1-24-2',
    });

    expect(updated).toEqual({
      ...before,
      status: 'HEALTHY',
      istioVersion: '1.24.2',
      istioRevision: '1-24-2',
      updatedAt: expect.any(String),
    });
    expect(updated!.updatedAt > before.updatedAt).toBe(true);
    expect(await registry.get(before.clusterId)).toEqual(updated);
  });

  it('changes only the fields an update names', async () => {
    const before = await registry.put(minimalCluster());
    await clockPast(before.updatedAt);

    const updated = await registry.update(before.clusterId, {
      status: 'PRE_CHECK_RUNNING',
    });

    expect(updated).toEqual({
      ...before,
      status: 'PRE_CHECK_RUNNING',
      updatedAt: expect.any(String),
    });
    expect(updated!.updatedAt > before.updatedAt).toBe(true);
    expect(updated).not.toHaveProperty('istioRevision');

    const revised = await registry.update(before.clusterId, {
      istioRevision: '1-23-4',
    });
    expect(revised).toEqual({
      ...updated,
      istioRevision: '1-23-4',
      updatedAt: expect.any(String),
    });
  });

  it('returns undefined for an update of an unknown cluster and creates nothing', async () => {
    expect(
      await registry.update('no-such-cluster', { status: 'HEALTHY' }),
    ).toBeUndefined();
    expect(await registry.get('no-such-cluster')).toBeUndefined();
    expect(await registry.list()).toEqual([]);
  });

  it('deletes a cluster, telling whether it was there', async () => {
    await registry.put(fullCluster({ clusterId: 'gone' }));
    await registry.put(fullCluster({ clusterId: 'kept' }));

    expect(await registry.delete('gone')).toBe(true);
    expect(await registry.get('gone')).toBeUndefined();
    expect(await registry.delete('gone')).toBe(false);
    expect((await registry.list()).map(c => c.clusterId)).toEqual(['kept']);
  });

  it('replaces the whole record on a second put, dropping fields it no longer has', async () => {
    await registry.put(fullCluster());
    const replacement = minimalCluster({
      clusterId: 'eks-prod-eu-1',
      name: 'prod-eu-1',
      batchId: 'prod-wave-2',
      status: 'UPGRADING',
    });

    const stored = await registry.put(replacement);

    expect(stored).toEqual({ ...replacement, updatedAt: expect.any(String) });
    expect(await registry.get('eks-prod-eu-1')).toEqual(stored);
    expect(await registry.listByBatch('prod-wave-1')).toEqual([]);
    expect(await registry.listByBatch('prod-wave-2')).toEqual([stored]);
    expect(await registry.list()).toEqual([stored]);
  });
});
