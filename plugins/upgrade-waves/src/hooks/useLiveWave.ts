import { useApi } from '@backstage/core-plugin-api';
import { useResource, useThrottledRefresh } from '@fleetdeck/frontend-common';
import {
  upgradeWavesSignalChannels,
  Wave,
  WaveDetail,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesApiRef } from '../api';
import { useUpgradeWavesSignal } from './useUpgradeWavesSignal';

/**
 * One wave, live: its detail (clusters, checks, merge requests, audit log) and blast radius. A signal on the
 * wave's channel puts its new status on the page at once and refetches the detail at most once a second; the
 * blast radius is loaded once (it depends on the catalog and the clusters' workloads, not on the wave's state).
 */
export function useLiveWave(waveId: string) {
  const api = useApi(upgradeWavesApiRef);
  const detail = useResource(waveId, () => api.getWave(waveId));
  const blastRadius = useResource(waveId, () => api.getBlastRadius(waveId));
  const refetch = useThrottledRefresh(() => detail.refresh());

  const { live } = useUpgradeWavesSignal(
    upgradeWavesSignalChannels.wave(waveId),
    signal => {
      if (signal.waveId !== waveId) return;
      detail.update(value => ({
        ...value,
        status: signal.status,
        updatedAt: signal.at,
      }));
      refetch();
    },
  );

  /** Takes an action's answer (the wave after it) at once, then refetches the detail. */
  const applied = (wave: Wave) => {
    detail.update((value): WaveDetail => ({ ...value, ...wave }));
    refetch();
  };

  return { detail, blastRadius, live, applied };
}

/** What `useLiveWave` gives a page. */
export type LiveWave = ReturnType<typeof useLiveWave>;
