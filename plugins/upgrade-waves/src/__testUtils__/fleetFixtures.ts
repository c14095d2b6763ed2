import { Entity } from '@backstage/catalog-model';
import type { Batch } from '@fleetdeck/plugin-upgrade-waves-common';
import {
  CLUSTER_ID_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
} from '../annotations';
import { batch, cluster } from './fixtures';

/** A mock of an API call that never answers: the page stays loading. */
export function unanswered() {
  return jest.fn().mockReturnValue(new Promise(() => {}));
}

/**
 * A fleet of `clusterCount` clusters (named `cluster-0001`…) spread evenly over `batchCount` batches
 * (`batch-1`…), every fifth cluster already on 1.23.0, every seventh upgrading.
 */
export function largeFleet(clusterCount: number, batchCount: number): Batch[] {
  const perBatch = Math.ceil(clusterCount / batchCount);
  return Array.from({ length: batchCount }, (_, b) => {
    const batchId = `batch-${b + 1}`;
    const clusters = Array.from({ length: perBatch }, (__, i) => {
      const n = b * perBatch + i + 1;
      return cluster(`cluster-${String(n).padStart(4, '0')}`, batchId, {
        istioVersion: n % 5 === 0 ? '1.23.0' : '1.22.3',
        status: n % 7 === 0 ? 'UPGRADING' : 'HEALTHY',
      });
    });
    return batch(batchId, b, clusters);
  });
}

/** The catalog Resource of a registered cluster. */
export function clusterResource(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: { [CLUSTER_ID_ANNOTATION]: name, ...annotations },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  };
}

/** A catalog Component whose workloads carry the kubernetes-id label `cart`. */
export function cartComponent(): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'cart',
      namespace: 'default',
      annotations: { [KUBERNETES_ID_ANNOTATION]: 'cart' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-shop',
    },
  };
}
