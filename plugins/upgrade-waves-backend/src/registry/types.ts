import type {
  Cluster,
  ClusterStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';

/**
 * Whether a registration names a cluster the backend is configured to reach: registrations carry only a
 * name, never a URL or credentials.
 */
export interface ClusterAccessCheck {
  /** Why `access` (or, without it, the cluster's name) reaches no configured cluster, naming the field; undefined when it does. */
  accessProblem(cluster: Pick<Cluster, 'name' | 'access'>): string | undefined;
}

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
