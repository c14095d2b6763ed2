import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  BlastRadiusEntry,
  Cluster,
} from '@fleetdeck/plugin-upgrade-waves-common';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** A comma-separated list of cluster names a Component runs on, for workloads not labelled in the cluster. */
export const CLUSTERS_ANNOTATION = 'fleetdeck.io/clusters';

/** Finds which `backstage.io/kubernetes-id` values run on a cluster. */
export interface WorkloadIndex {
  kubernetesIds(cluster: Cluster): Promise<Set<string>>;
}

/** The catalog Components whose workloads run on a set of clusters, with their owners. */
export class BlastRadius {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly workloads: WorkloadIndex,
  ) {}

  async of(clusters: Cluster[]): Promise<BlastRadiusEntry[]> {
    const idsByCluster = new Map<string, Set<string>>();
    await Promise.all(
      clusters.map(async c => {
        try {
          idsByCluster.set(c.name, await this.workloads.kubernetesIds(c));
        } catch {
          // An unreachable cluster still has its annotated Components; its labels are simply unknown now.
          idsByCluster.set(c.name, new Set());
        }
      }),
    );
    const { items } = await this.catalog.getEntities(
      {
        filter: { kind: 'Component' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'metadata.annotations',
          'spec.owner',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const entries: BlastRadiusEntry[] = [];
    for (const entity of items) {
      const annotations = entity.metadata.annotations ?? {};
      const kubernetesId = annotations[KUBERNETES_ID_ANNOTATION];
      const annotated = (annotations[CLUSTERS_ANNOTATION] ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
      const found = new Set<string>();
      const via = new Set<BlastRadiusEntry['via'][number]>();
      for (const c of clusters) {
        if (kubernetesId && idsByCluster.get(c.name)?.has(kubernetesId)) {
          found.add(c.name);
          via.add('kubernetes-id');
        }
        if (annotated.includes(c.name) || annotated.includes(c.clusterId)) {
          found.add(c.name);
          via.add('annotation');
        }
      }
      if (!found.size) continue;
      entries.push({
        entityRef: stringifyEntityRef(entity),
        title: entity.metadata.title,
        owner: (entity.spec as { owner?: string } | undefined)?.owner,
        clusters: [...found].sort(),
        via: [...via],
      });
    }
    return entries.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }
}
