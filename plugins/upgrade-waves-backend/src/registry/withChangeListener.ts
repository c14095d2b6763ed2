import type { ClusterRegistry } from './types';

/** The registry, telling `onChange` after every write (the catalog provider refreshes on it). */
export function withChangeListener(
  registry: ClusterRegistry,
  onChange: (clusterId: string) => void,
): ClusterRegistry {
  return {
    list: () => registry.list(),
    listByBatch: batchId => registry.listByBatch(batchId),
    get: clusterId => registry.get(clusterId),
    async put(cluster) {
      const stored = await registry.put(cluster);
      onChange(stored.clusterId);
      return stored;
    },
    async update(clusterId, update) {
      const stored = await registry.update(clusterId, update);
      if (stored) onChange(clusterId);
      return stored;
    },
    async delete(clusterId) {
      const deleted = await registry.delete(clusterId);
      if (deleted) onChange(clusterId);
      return deleted;
    },
  };
}
