import { useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useResource, useThrottledRefresh } from '@fleetdeck/frontend-common';
import {
  PoolDetail,
  PoolId,
  PoolSummary,
  warmPoolsSignalChannels,
} from '@fleetdeck/plugin-warm-pools-common';
import { warmPoolsApiRef } from '../api';

import { useWarmPoolsSignal } from './useWarmPoolsSignal';

const HOUR_MS = 60 * 60 * 1000;

/** The windows the history chart offers. */
export const HISTORY_RANGES = {
  '1h': { label: '1 h', ms: HOUR_MS },
  '6h': { label: '6 h', ms: 6 * HOUR_MS },
  '24h': { label: '24 h', ms: 24 * HOUR_MS },
  '7d': { label: '7 d', ms: 7 * 24 * HOUR_MS },
} as const;

/** A window of the history chart. */
export type HistoryRange = keyof typeof HISTORY_RANGES;

/** The detail with the counts of a newer summary. */
export function withSummary(
  detail: PoolDetail,
  summary: PoolSummary,
): PoolDetail {
  return { ...detail, ...summary };
}

/**
 * One pool, live: its detail, pods and history for the chosen range. A signal on the pool's channel puts the
 * counts it carries on the page at once, then refetches the detail, pods and history at most once a second.
 */
export function useLivePool(id: PoolId) {
  const api = useApi(warmPoolsApiRef);
  const [range, setRange] = useState<HistoryRange>('1h');
  // The newest signal, numbered, so that a detail answered after it does not undo its counts.
  const latest = useRef<{ seq: number; pool?: PoolSummary }>({ seq: 0 });

  const detail = useResource(id, async () => {
    const since = latest.current.seq;
    const value = await api.getPool(id);
    const { seq, pool } = latest.current;
    return seq > since && pool?.id === id ? withSummary(value, pool) : value;
  });
  const pods = useResource(id, () => api.listPods(id));
  const history = useResource(`${id} ${range}`, () =>
    api.getHistory(id, {
      from: new Date(Date.now() - HISTORY_RANGES[range].ms).toISOString(),
    }),
  );

  const refetch = useThrottledRefresh(() => {
    detail.refresh();
    pods.refresh();
    history.refresh();
  });

  const { live } = useWarmPoolsSignal(
    warmPoolsSignalChannels.pool(id),
    signal => {
      if (signal.pool.id !== id) return;
      latest.current = { seq: latest.current.seq + 1, pool: signal.pool };
      detail.update(value => withSummary(value, signal.pool));
      refetch();
    },
  );

  return { detail, pods, history, range, setRange, live };
}

/** What `useLivePool` gives a page. */
export type LivePool = ReturnType<typeof useLivePool>;
