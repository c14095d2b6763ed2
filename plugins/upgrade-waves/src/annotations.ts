import { Entity } from '@backstage/catalog-model';

/** On the cluster Resources the cluster-registry provider emits: the cluster's id in the registry. */
export const CLUSTER_ID_ANNOTATION = 'fleetdeck.io/cluster-id';
/** The catalog type of those Resources. */
export const CLUSTER_RESOURCE_TYPE = 'kubernetes-cluster';
/** On Components: the label value of their workloads in the clusters. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** On Components: the clusters they run on, comma-separated, for workloads without the label. */
export const CLUSTERS_ANNOTATION = 'fleetdeck.io/clusters';

/** The registry id of a cluster Resource: its annotation, else its name. */
export function getClusterId(entity: Entity): string {
  return (
    entity.metadata.annotations?.[CLUSTER_ID_ANNOTATION] ?? entity.metadata.name
  );
}

/** Whether the entity is a cluster of the fleet: a `Resource` of type `kubernetes-cluster`. */
export function isKubernetesClusterResource(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type ===
      CLUSTER_RESOURCE_TYPE
  );
}

/** Whether the entity is a Component that says where it runs (a kubernetes-id or a clusters annotation). */
export function isComponentOnClusters(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    Boolean(
      annotations[KUBERNETES_ID_ANNOTATION] || annotations[CLUSTERS_ANNOTATION],
    )
  );
}
