import type { ClusterStatus } from '@fleetdeck/plugin-upgrade-waves-common';

/**
 * What a transition asks to be done once it is committed, kept in the outbox in the same transaction. The
 * registry and people are told at least once, even when the replica dies right after the commit.
 */
export type WaveEffect =
  | {
      kind: 'registry';
      clusterIds: string[];
      status: ClusterStatus;
      istioVersion?: string;
    }
  | {
      kind: 'notify';
      what:
        | 'awaitingApproval'
        | 'started'
        | 'failed'
        | 'rolledBack'
        | 'needsAttention';
      reason?: string;
    };

/** The registry effect for `clusters` moving to `status` (and, once it is true, to an Istio version). */
export function registryEffect(
  clusters: Array<{ clusterId: string }>,
  status: ClusterStatus,
  istioVersion?: string,
): WaveEffect[] {
  if (!clusters.length) return [];
  return [
    {
      kind: 'registry',
      clusterIds: clusters.map(c => c.clusterId),
      status,
      ...(istioVersion ? { istioVersion } : {}),
    },
  ];
}
