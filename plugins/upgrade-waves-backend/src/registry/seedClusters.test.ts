import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DatabaseClusterRegistry } from './DatabaseClusterRegistry';
import { seedClusters } from './seedClusters';
import { ClusterRegistry } from './types';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const registration = (clusterId: string, overrides: object = {}) => ({
  clusterId,
  name: clusterId,
  batchId: 'prod-wave-1',
  environment: 'prod',
  region: 'eu-west-1',
  gitops: { project: 'platform/gitops-prod', paths: ['istio/istiod.yaml'] },
  istioVersion: '1.23.4',
  owners: ['group:default/platform'],
  ...overrides,
});

type ConfigData = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const configWith = (clusters: ConfigData[string]) =>
  new ConfigReader({ upgradeWaves: { registry: { clusters } } });

describe('seedClusters', () => {
  let registry: ClusterRegistry;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    registry = await DatabaseClusterRegistry.create({
      knex: await databases.init('SQLITE_3'),
    });
  });

  it('registers the configured clusters as PENDING', async () => {
    const result = await seedClusters(
      registry,
      configWith([
        registration('eks-prod-eu-1', {
          access: { kubernetesClusterName: 'prod-eu-1' },
          datadogTags: ['cluster_name:prod-eu-1'],
        }),
        registration('eks-prod-eu-2'),
      ]),
      logger,
    );

    expect(result).toEqual({
      added: ['eks-prod-eu-1', 'eks-prod-eu-2'],
      existing: [],
    });
    expect(await registry.get('eks-prod-eu-1')).toEqual({
      ...registration('eks-prod-eu-1'),
      access: { kubernetesClusterName: 'prod-eu-1' },
      datadogTags: ['cluster_name:prod-eu-1'],
      status: 'PENDING',
      updatedAt: expect.any(String),
    });
    // access may be left out: the cluster is then reached by its name.
    expect(await registry.get('eks-prod-eu-2')).toMatchObject({
      access: {},
      status: 'PENDING',
    });
  });

  it('leaves a cluster that is already registered untouched', async () => {
    await registry.put({
      ...registration('eks-prod-eu-1'),
      access: {},
      status: 'PENDING',
    });
    const upgraded = await registry.update('eks-prod-eu-1', {
      status: 'HEALTHY',
      istioVersion: '1.24.2',
    });

    const result = await seedClusters(
      registry,
      configWith([
        registration('eks-prod-eu-1', { name: 'renamed-in-config' }),
        registration('eks-prod-eu-3'),
      ]),
      logger,
    );

    expect(result).toEqual({
      added: ['eks-prod-eu-3'],
      existing: ['eks-prod-eu-1'],
    });
    expect(await registry.get('eks-prod-eu-1')).toEqual(upgraded);
  });

  it('does nothing without upgradeWaves.registry.clusters', async () => {
    await expect(
      seedClusters(registry, new ConfigReader({}), logger),
    ).resolves.toEqual({ added: [], existing: [] });
    expect(await registry.list()).toEqual([]);
  });

  it('names the invalid field and writes nothing', async () => {
    const seeding = seedClusters(
      registry,
      configWith([
        registration('eks-prod-eu-1'),
        registration('eks-prod-eu-2', { istioVersion: 'latest' }),
      ]),
      logger,
    );

    await expect(seeding).rejects.toBeInstanceOf(InputError);
    await expect(seeding).rejects.toThrow(
      'Invalid upgradeWaves.registry.clusters[1].istioVersion: must be a version such as 1.24.2',
    );
    expect(await registry.list()).toEqual([]);
  });

  it.each([
    [{ clusterId: 'Prod_EU' }, 'clusters[0].clusterId'],
    [{ clusterId: `a${'b'.repeat(63)}` }, 'clusters[0].clusterId'],
    [{ clusterId: undefined }, 'clusters[0].clusterId: Required'],
    [{ gitops: { project: 'p', paths: [] } }, 'clusters[0].gitops.paths'],
    [
      { gitops: { project: 'p', paths: ['a', ''] } },
      'clusters[0].gitops.paths[1]',
    ],
    [{ owners: ['platform'] }, 'clusters[0].owners[0]'],
    [{ status: 'DONE' }, 'clusters[0].status'],
    [
      { access: { kubeconfigContext: 42 } },
      'clusters[0].access.kubeconfigContext',
    ],
  ])('rejects %j naming %s', async (overrides, field) => {
    await expect(
      seedClusters(
        registry,
        configWith([registration('eks-prod-eu-1', overrides)]),
        logger,
      ),
    ).rejects.toThrow(`Invalid upgradeWaves.registry.${field}`);
  });

  it('rejects a cluster id listed twice, naming both entries', async () => {
    await expect(
      seedClusters(
        registry,
        configWith([
          registration('eks-prod-eu-1'),
          registration('eks-prod-eu-2'),
          registration('eks-prod-eu-1'),
        ]),
        logger,
      ),
    ).rejects.toThrow(
      "Invalid upgradeWaves.registry.clusters[2].clusterId: 'eks-prod-eu-1' is already used by upgradeWaves.registry.clusters[0]",
    );
    expect(await registry.list()).toEqual([]);
  });

  it('rejects a value that is not a list', async () => {
    await expect(
      seedClusters(registry, configWith({ clusterId: 'x' }), logger),
    ).rejects.toThrow(
      'Invalid upgradeWaves.registry.clusters: must be a list of clusters',
    );
  });
});
