import { Cluster, ClusterStatus } from '@fleetdeck/plugin-upgrade-waves-common';
import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { byBatchThenName } from './order';
import { ClusterRegistry, ClusterStateUpdate } from './types';

const TABLE = 'upgrade_waves_clusters';

interface ClusterRow {
  cluster_id: string;
  name: string;
  batch_id: string;
  environment: string;
  region: string;
  account: string | null;
  role_arn: string | null;
  access: string;
  gitops: string;
  istio_version: string;
  istio_revision: string | null;
  owners: string;
  status: string;
  metrics: string | null;
  datadog_tags: string | null;
  updated_at: string;
}

/** The `database` store: the registry in the plugin's own database (table `upgrade_waves_clusters`). */
export class DatabaseClusterRegistry implements ClusterRegistry {
  static async create(options: {
    knex: Knex;
    skipMigrations?: boolean;
  }): Promise<DatabaseClusterRegistry> {
    if (!options.skipMigrations) {
      await applyMigrations(options.knex);
    }
    return new DatabaseClusterRegistry(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  async list(): Promise<Cluster[]> {
    const rows = await this.knex<ClusterRow>(TABLE).select();
    return rows.map(toCluster).sort(byBatchThenName);
  }

  async listByBatch(batchId: string): Promise<Cluster[]> {
    const rows = await this.knex<ClusterRow>(TABLE)
      .where({ batch_id: batchId })
      .select();
    return rows.map(toCluster).sort(byBatchThenName);
  }

  async get(clusterId: string): Promise<Cluster | undefined> {
    const row = await this.knex<ClusterRow>(TABLE)
      .where({ cluster_id: clusterId })
      .first();
    return row ? toCluster(row) : undefined;
  }

  async put(cluster: Omit<Cluster, 'updatedAt'>): Promise<Cluster> {
    const row = toRow({ ...cluster, updatedAt: new Date().toISOString() });
    await this.knex<ClusterRow>(TABLE)
      .insert(row)
      .onConflict('cluster_id')
      .merge();
    return toCluster(row);
  }

  async update(
    clusterId: string,
    update: ClusterStateUpdate,
  ): Promise<Cluster | undefined> {
    const changes: Partial<ClusterRow> = {
      updated_at: new Date().toISOString(),
    };
    if (update.status !== undefined) changes.status = update.status;
    if (update.istioVersion !== undefined) {
      changes.istio_version = update.istioVersion;
    }
    if (update.istioRevision !== undefined) {
      changes.istio_revision = update.istioRevision;
    }

    // MySQL has no UPDATE … RETURNING; there the row lock the UPDATE takes keeps the read that follows consistent.
    if (this.knex.client.dialect === 'mysql') {
      return this.knex.transaction(async tx => {
        const count = await tx<ClusterRow>(TABLE)
          .where({ cluster_id: clusterId })
          .update(changes);
        if (count === 0) return undefined;
        const row = await tx<ClusterRow>(TABLE)
          .where({ cluster_id: clusterId })
          .first();
        return row ? toCluster(row) : undefined;
      });
    }

    const rows = await this.knex<ClusterRow>(TABLE)
      .where({ cluster_id: clusterId })
      .update(changes)
      .returning('*');
    return rows.length ? toCluster(rows[0] as ClusterRow) : undefined;
  }

  async delete(clusterId: string): Promise<boolean> {
    const count = await this.knex<ClusterRow>(TABLE)
      .where({ cluster_id: clusterId })
      .delete();
    return count > 0;
  }
}

function toRow(cluster: Cluster): ClusterRow {
  return {
    cluster_id: cluster.clusterId,
    name: cluster.name,
    batch_id: cluster.batchId,
    environment: cluster.environment,
    region: cluster.region,
    // Absent optional fields are written as NULL so that a put replaces an earlier value.
    account: cluster.account ?? null,
    role_arn: cluster.roleArn ?? null,
    access: JSON.stringify(cluster.access),
    gitops: JSON.stringify(cluster.gitops),
    istio_version: cluster.istioVersion,
    istio_revision: cluster.istioRevision ?? null,
    owners: JSON.stringify(cluster.owners),
    status: cluster.status,
    metrics: cluster.metrics ? JSON.stringify(cluster.metrics) : null,
    datadog_tags: cluster.datadogTags
      ? JSON.stringify(cluster.datadogTags)
      : null,
    updated_at: cluster.updatedAt,
  };
}

function toCluster(row: ClusterRow): Cluster {
  return {
    clusterId: row.cluster_id,
    name: row.name,
    batchId: row.batch_id,
    environment: row.environment,
    region: row.region,
    ...(row.account !== null && { account: row.account }),
    ...(row.role_arn !== null && { roleArn: row.role_arn }),
    access: JSON.parse(row.access),
    gitops: JSON.parse(row.gitops),
    istioVersion: row.istio_version,
    ...(row.istio_revision !== null && { istioRevision: row.istio_revision }),
    owners: JSON.parse(row.owners),
    status: row.status as ClusterStatus,
    ...(row.metrics !== null && { metrics: JSON.parse(row.metrics) }),
    ...(row.datadog_tags !== null && {
      datadogTags: JSON.parse(row.datadog_tags),
    }),
    updatedAt: row.updated_at,
  };
}
