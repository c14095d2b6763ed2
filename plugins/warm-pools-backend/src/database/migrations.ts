import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

export const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@fleetdeck/plugin-warm-pools-backend',
  'migrations',
);

/** Brings the plugin's database to the latest schema (the pools' history). */
export async function applyMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
}
