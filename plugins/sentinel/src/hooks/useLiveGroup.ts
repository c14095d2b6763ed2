import { useApi } from '@backstage/core-plugin-api';
import { useResource } from '@fleetdeck/frontend-common';
import { sentinelApiRef } from '../api';
import { useGroupUpdates } from './useGroupUpdates';

/**
 * A group's topology and latest failovers, refetched as the group's signals say: a topology signal refetches the
 * topology, a failover signal the failovers and the topology (the master moves). Pages that show more pass
 * `also` to refresh their own resources with them.
 */
export function useLiveGroup(
  group: string,
  options: {
    failoverLimit: number;
    also?: { onTopology?(): void; onFallback?(): void };
  },
) {
  const api = useApi(sentinelApiRef);
  const { failoverLimit, also } = options;
  const topology = useResource(group, () => api.getTopology(group));
  const failovers = useResource(group, () =>
    api.listFailovers(group, { limit: failoverLimit }),
  );

  useGroupUpdates(group, {
    onTopology: () => {
      topology.refresh();
      also?.onTopology?.();
    },
    onFailover: () => {
      failovers.refresh();
      topology.refresh();
    },
    onFallback: () => {
      topology.refresh();
      failovers.refresh();
      also?.onFallback?.();
    },
  });

  return { topology, failovers };
}
