import type {
  Cluster,
  ClusterStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** The fields a wave changes on a registered cluster. */
export type ClusterStateUpdate = Partial<
  Pick<Cluster, 'status' | 'istioVersion' | 'istioRevision'>
>;

/**
 * The cluster registry: GUARD's `guard-cluster-registry`, behind one interface with two stores
 * (`database`: the plugin's own database; `dynamodb`: a DynamoDB table keyed by `cluster_id` with a `batch_id` GSI).
 */
export interface ClusterRegistry {
  list(): Promise<Cluster[]>;
  listByBatch(batchId: string): Promise<Cluster[]>;
  get(clusterId: string): Promise<Cluster | undefined>;
  /** Inserts or replaces the whole record; `updatedAt` is set by the store. */
  put(cluster: Omit<Cluster, 'updatedAt'>): Promise<Cluster>;
  /** Changes status / version fields; undefined when the cluster is unknown. */
  update(
    clusterId: string,
    update: ClusterStateUpdate,
  ): Promise<Cluster | undefined>;
  delete(clusterId: string): Promise<boolean>;
}

export type { Cluster, ClusterStatus };
