import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  KubernetesValidatorFunctions,
  ResourceEntity,
} from '@backstage/catalog-model';
import { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';

/** The `spec.type` of the Resource entities made for registry clusters. @public */
export const CLUSTER_RESOURCE_TYPE = 'kubernetes-cluster';

/** Annotations (and the one label) put on cluster Resource entities. @public */
export const CLUSTER_ANNOTATIONS = {
  clusterId: 'fleetdeck.io/cluster-id',
  batch: 'fleetdeck.io/batch',
  istioVersion: 'fleetdeck.io/istio-version',
  upgradeStatus: 'fleetdeck.io/upgrade-status',
  environment: 'fleetdeck.io/environment',
  region: 'fleetdeck.io/region',
  owners: 'fleetdeck.io/owners',
} as const;

/** How registry records become entities; fixed per provider. */
export interface ClusterResourceOptions {
  /** The owner of clusters whose record lists none. */
  defaultOwner: string;
  /** The System every cluster Resource belongs to, when configured. */
  system?: string;
  /** Where the records live, e.g. `https://backstage.example.com/api/upgrade-waves`. */
  registryBaseUrl: string;
}

/** The location of a cluster's record, used for both location annotations. */
export function clusterLocation(registryBaseUrl: string, clusterId: string) {
  return `url:${registryBaseUrl}/clusters/${encodeURIComponent(clusterId)}`;
}

/**
 * Registry fields such as environment and batch are free text, but catalog tags must be
 * lower-case words joined by single dashes, at most 63 characters. Returns undefined when
 * nothing usable is left.
 */
function toTag(value: string): string | undefined {
  const tag = value
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9:+#]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return tag || undefined;
}

/** Makes the `Resource` entity of one registry cluster. */
export function clusterToResource(
  cluster: Cluster,
  options: ClusterResourceOptions,
): ResourceEntity {
  const location = clusterLocation(options.registryBaseUrl, cluster.clusterId);
  const [owner = options.defaultOwner, ...otherOwners] = cluster.owners ?? [];

  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
    [CLUSTER_ANNOTATIONS.clusterId]: cluster.clusterId,
    [CLUSTER_ANNOTATIONS.batch]: cluster.batchId,
    [CLUSTER_ANNOTATIONS.istioVersion]: cluster.istioVersion,
    [CLUSTER_ANNOTATIONS.upgradeStatus]: cluster.status,
    [CLUSTER_ANNOTATIONS.environment]: cluster.environment,
    [CLUSTER_ANNOTATIONS.region]: cluster.region,
  };
  if (otherOwners.length > 0) {
    annotations[CLUSTER_ANNOTATIONS.owners] = otherOwners.join(',');
  }

  // Labels are for selecting, so only a value the catalog accepts as a label is set;
  // the annotation above always carries the environment as written.
  const labels: Record<string, string> = {};
  if (KubernetesValidatorFunctions.isValidLabelValue(cluster.environment)) {
    labels[CLUSTER_ANNOTATIONS.environment] = cluster.environment;
  }

  const tags = [
    ...new Set(
      [cluster.environment, cluster.batchId]
        .map(toTag)
        .filter((tag): tag is string => tag !== undefined),
    ),
  ];

  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: cluster.clusterId,
      namespace: 'default',
      title: cluster.name,
      description: `${cluster.environment} Kubernetes cluster in ${cluster.region}, upgrade batch ${cluster.batchId}`,
      annotations,
      labels,
      tags,
    },
    spec: {
      type: CLUSTER_RESOURCE_TYPE,
      owner,
      ...(options.system ? { system: options.system } : {}),
    },
  };
}
