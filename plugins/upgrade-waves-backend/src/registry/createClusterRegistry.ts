import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { DatabaseClusterRegistry } from './DatabaseClusterRegistry';
import {
  DEFAULT_REGISTRY_TABLE_NAME,
  DynamoDbClusterRegistry,
} from './DynamoDbClusterRegistry';
import { ClusterRegistry } from './types';

const STORES = ['database', 'dynamodb'] as const;

/**
 * The registry store chosen by `upgradeWaves.registry.store`: `database` (default) or `dynamodb`.
 * `knex` is only called for the `database` store, so a DynamoDB registry does not open the database for it.
 */
export async function createClusterRegistry(options: {
  config: Config;
  knex: () => Promise<Knex> | Knex;
  logger: LoggerService;
  /** Set when the caller has already run `applyMigrations`. */
  skipMigrations?: boolean;
}): Promise<ClusterRegistry> {
  const { config, logger } = options;
  const store =
    config.getOptionalString('upgradeWaves.registry.store') ?? 'database';

  switch (store) {
    case 'database':
      logger.info('Cluster registry: the plugin database');
      return DatabaseClusterRegistry.create({
        knex: await options.knex(),
        skipMigrations: options.skipMigrations,
      });
    case 'dynamodb': {
      const tableName =
        config.getOptionalString('upgradeWaves.registry.dynamodb.tableName') ??
        DEFAULT_REGISTRY_TABLE_NAME;
      logger.info(`Cluster registry: DynamoDB table ${tableName}`);
      return DynamoDbClusterRegistry.fromConfig(config);
    }
    default:
      throw new InputError(
        `Invalid upgradeWaves.registry.store '${store}': must be one of ${STORES.map(
          name => `'${name}'`,
        ).join(', ')}`,
      );
  }
}
