import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DynaliteSandbox, startDynalite } from '@fleetdeck/sandbox';
import { createClusterRegistry } from './createClusterRegistry';
import { DatabaseClusterRegistry } from './DatabaseClusterRegistry';
import { DynamoDbClusterRegistry } from './DynamoDbClusterRegistry';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const cluster = {
  clusterId: 'kind-test-1',
  name: 'test-1',
  batchId: 'test',
  environment: 'test',
  region: 'local',
  access: {},
  gitops: { project: 'platform/gitops-test', paths: ['istio.yaml'] },
  istioVersion: '1.23.4',
  owners: [],
  status: 'PENDING' as const,
};

describe('createClusterRegistry', () => {
  const logger = mockServices.logger.mock();
  let sandbox: DynaliteSandbox | undefined;

  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('uses the plugin database when no store is configured', async () => {
    const knex = await databases.init('SQLITE_3');

    const registry = await createClusterRegistry({
      config: new ConfigReader({}),
      knex: async () => knex,
      logger,
    });

    expect(registry).toBeInstanceOf(DatabaseClusterRegistry);
    const stored = await registry.put(cluster);
    expect(await knex('upgrade_waves_clusters').count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
    expect(await registry.get('kind-test-1')).toEqual(stored);
  });

  it('uses the DynamoDB table with store dynamodb, without opening the database', async () => {
    sandbox = await startDynalite({ createRegistryTable: true });
    const knex = jest.fn(() => {
      throw new Error('the database must not be opened');
    });

    const registry = await createClusterRegistry({
      config: new ConfigReader({
        upgradeWaves: {
          registry: {
            store: 'dynamodb',
            dynamodb: {
              region: sandbox.region,
              endpoint: sandbox.endpoint,
              credentials: sandbox.credentials,
            },
          },
        },
      }),
      knex,
      logger,
    });

    expect(registry).toBeInstanceOf(DynamoDbClusterRegistry);
    expect(knex).not.toHaveBeenCalled();
    const stored = await registry.put(cluster);
    expect(await registry.listByBatch('test')).toEqual([stored]);
  });

  it('rejects an unknown store, naming the key and the choices', async () => {
    const creating = createClusterRegistry({
      config: new ConfigReader({
        upgradeWaves: { registry: { store: 'redis' } },
      }),
      knex: () => {
        throw new Error('the database must not be opened');
      },
      logger,
    });

    await expect(creating).rejects.toBeInstanceOf(InputError);
    await expect(creating).rejects.toThrow(
      "Invalid upgradeWaves.registry.store 'redis': must be one of 'database', 'dynamodb'",
    );
  });
});
