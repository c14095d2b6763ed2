import { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';

const byCodePoint = (a: string, b: string) => {
  if (a < b) return -1;
  return a > b ? 1 : 0;
};

/**
 * The order every store lists clusters in: batch, then name, then id.
 * Sorted here rather than in each store because SQLite, PostgreSQL (by its locale's collation) and DynamoDB
 * would each order strings differently.
 */
export function byBatchThenName(a: Cluster, b: Cluster): number {
  return (
    byCodePoint(a.batchId, b.batchId) ||
    byCodePoint(a.name, b.name) ||
    byCodePoint(a.clusterId, b.clusterId)
  );
}
