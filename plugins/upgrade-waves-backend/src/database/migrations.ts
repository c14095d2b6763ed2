import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** Brings the plugin's database to the latest schema (cluster registry and waves). */
export async function applyMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@fleetdeck/plugin-upgrade-waves-backend',
      'migrations',
    ),
  });
}
