import { useApi } from '@backstage/core-plugin-api';
import { useResource, useThrottledRefresh } from '@fleetdeck/frontend-common';
import {
  upgradeWavesSignalChannels,
  Wave,
  WaveSignal,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesApiRef } from '../api';
import { useUpgradeWavesSignal } from './useUpgradeWavesSignal';

/** The list with the signalled wave's new status, so the page shows a transition before the refetch answers. */
export function withSignalledStatus(waves: Wave[], signal: WaveSignal): Wave[] {
  return waves.map(w =>
    w.id === signal.waveId
      ? { ...w, status: signal.status, updatedAt: signal.at }
      : w,
  );
}

/**
 * The fleet, live: batches in rollout order (with their clusters and versions) and every wave. A signal on the
 * fleet channel puts the wave's new status on the page at once, then refetches batches and waves at most once a
 * second (a transition can change clusters' versions and states, which the signal does not carry).
 */
export function useLiveFleet() {
  const api = useApi(upgradeWavesApiRef);
  const batches = useResource('batches', () => api.listBatches());
  const waves = useResource('waves', () => api.listWaves());

  const refetch = useThrottledRefresh(() => {
    batches.refresh();
    waves.refresh();
  });

  const { live } = useUpgradeWavesSignal(
    upgradeWavesSignalChannels.fleet,
    signal => {
      waves.update(list => withSignalledStatus(list, signal));
      refetch();
    },
  );

  return { batches, waves, live, refresh: refetch };
}

/** What `useLiveFleet` gives a page. */
export type LiveFleet = ReturnType<typeof useLiveFleet>;
