import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';

/** A registered cluster named `name`, with whatever else a test changes. */
export function testCluster(
  name: string,
  overrides: Partial<Cluster> = {},
): Cluster {
  return {
    clusterId: `${name}-id`,
    name,
    batchId: 'prod-wave-1',
    environment: 'prod',
    region: 'eu-west-1',
    access: {},
    gitops: { project: 'platform/gitops-prod', paths: ['istio/istiod.yaml'] },
    istioVersion: '1.20.3',
    owners: ['group:default/platform'],
    status: 'PRE_CHECK_RUNNING',
    updatedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** The context a check gets, for running one outside a runner. */
export function checkContext(cluster: Cluster) {
  return {
    cluster,
    targetVersion: '1.21.0',
    expectedVersion: cluster.istioVersion,
    signal: new AbortController().signal,
  };
}
