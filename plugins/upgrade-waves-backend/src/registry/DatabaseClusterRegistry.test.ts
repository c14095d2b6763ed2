import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { applyMigrations } from '../database/migrations';
import { DatabaseClusterRegistry } from './DatabaseClusterRegistry';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const directory = resolvePackagePath(
  '@fleetdeck/plugin-upgrade-waves-backend',
  'migrations',
);
const name = '20261122100000_cluster_registry.js';

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

describe.each(databases.eachSupportedId())(
  'DatabaseClusterRegistry on %s',
  databaseId => {
    it('migrates up, down and up again', async () => {
      const knex = await databases.init(databaseId);

      await knex.migrate.up({ directory, name });
      expect(await knex.schema.hasTable('upgrade_waves_clusters')).toBe(true);
      const registry = await DatabaseClusterRegistry.create({
        knex,
        skipMigrations: true,
      });
      await registry.put(cluster);

      await knex.migrate.down({ directory, name });
      expect(await knex.schema.hasTable('upgrade_waves_clusters')).toBe(false);

      await knex.migrate.up({ directory, name });
      expect(await registry.list()).toEqual([]);
      const stored = await registry.put(cluster);
      expect(await registry.get('kind-test-1')).toEqual(stored);
    });

    it('applies the migrations on create, and again without harm', async () => {
      const knex = await databases.init(databaseId);

      const first = await DatabaseClusterRegistry.create({ knex });
      const stored = await first.put(cluster);
      await applyMigrations(knex);
      const second = await DatabaseClusterRegistry.create({ knex });

      expect(await second.list()).toEqual([stored]);
    });

    it('leaves the schema alone with skipMigrations', async () => {
      const knex = await databases.init(databaseId);

      const registry = await DatabaseClusterRegistry.create({
        knex,
        skipMigrations: true,
      });

      expect(await knex.schema.hasTable('upgrade_waves_clusters')).toBe(false);
      // better-sqlite3's errors come from another realm than jest's Error, so match the message rather than toThrow.
      await expect(registry.list()).rejects.toMatchObject({
        message: expect.stringContaining('upgrade_waves_clusters'),
      });
    });
  },
);
