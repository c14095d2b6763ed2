import { useRef } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useResource } from '@fleetdeck/frontend-common';
import {
  PoolId,
  PoolSummary,
  warmPoolsSignalChannels,
} from '@fleetdeck/plugin-warm-pools-common';
import { warmPoolsApiRef } from '../api';
import { useWarmPoolsSignal } from './useWarmPoolsSignal';

/** Pools in a stable order: by cluster, then namespace, then pool. */
export function sortPools(pools: PoolSummary[]): PoolSummary[] {
  const key = (p: PoolSummary) => [p.cluster, p.namespace, p.pool];
  return [...pools].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) {
      const order = ka[i].localeCompare(kb[i]);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** The list with `pool` in place of the entry of the same id, or added when the list lacks it. */
export function withPool(
  pools: PoolSummary[],
  pool: PoolSummary,
): PoolSummary[] {
  const known = pools.some(p => p.id === pool.id);
  return known
    ? pools.map(p => (p.id === pool.id ? pool : p))
    : sortPools([...pools, pool]);
}

/**
 * Every pool, kept current by the `warm-pools` signal channel: each signal carries a pool's new summary, which
 * replaces its row without a request.
 */
export function useLivePools() {
  const api = useApi(warmPoolsApiRef);
  // The newest signal per pool, numbered, so that a list answered after a signal does not undo it.
  const received = useRef(
    new Map<PoolId, { seq: number; pool: PoolSummary }>(),
  );
  const seq = useRef(0);

  const pools = useResource('pools', async () => {
    const since = seq.current;
    let list = sortPools(await api.listPools());
    for (const signal of received.current.values()) {
      if (signal.seq > since) list = withPool(list, signal.pool);
    }
    return list;
  });

  const { live } = useWarmPoolsSignal(warmPoolsSignalChannels.pools, signal => {
    seq.current += 1;
    received.current.set(signal.pool.id, {
      seq: seq.current,
      pool: signal.pool,
    });
    pools.update(list => withPool(list, signal.pool));
  });

  return { pools, live };
}
