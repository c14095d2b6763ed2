import { Entity } from '@backstage/catalog-model';
import {
  getClusterId,
  isComponentOnClusters,
  isKubernetesClusterResource,
} from './annotations';

function entity(
  kind: string,
  spec: object,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'prod-eu-1', annotations },
    spec,
  };
}

describe('annotations', () => {
  it('knows cluster Resources by kind and type, and their registry id', () => {
    const cluster = entity(
      'Resource',
      { type: 'kubernetes-cluster' },
      { 'fleetdeck.io/cluster-id': 'prod-eu-1-id' },
    );
    expect(isKubernetesClusterResource(cluster)).toBe(true);
    expect(getClusterId(cluster)).toBe('prod-eu-1-id');
    expect(
      getClusterId(entity('Resource', { type: 'kubernetes-cluster' })),
    ).toBe('prod-eu-1');
    expect(
      isKubernetesClusterResource(entity('Resource', { type: 'database' })),
    ).toBe(false);
    expect(
      isKubernetesClusterResource(
        entity('Component', { type: 'kubernetes-cluster' }),
      ),
    ).toBe(false);
  });

  it('knows Components that say where they run', () => {
    expect(
      isComponentOnClusters(
        entity('Component', {}, { 'backstage.io/kubernetes-id': 'cart' }),
      ),
    ).toBe(true);
    expect(
      isComponentOnClusters(
        entity('Component', {}, { 'fleetdeck.io/clusters': 'test-1,test-2' }),
      ),
    ).toBe(true);
    expect(isComponentOnClusters(entity('Component', {}))).toBe(false);
    expect(
      isComponentOnClusters(
        entity('Resource', {}, { 'backstage.io/kubernetes-id': 'cart' }),
      ),
    ).toBe(false);
  });
});
