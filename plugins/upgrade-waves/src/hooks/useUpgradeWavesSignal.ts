import { useSignalChannel } from '@fleetdeck/frontend-common';
import {
  WAVE_STATUSES,
  WaveSignal,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** The message as a WaveSignal, or undefined when it is not one. */
export function readWaveSignal(message: unknown): WaveSignal | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { waveId, status, type, clusterId, at } = message as Record<
    string,
    unknown
  >;
  if (
    typeof waveId !== 'string' ||
    typeof type !== 'string' ||
    typeof at !== 'string' ||
    !WAVE_STATUSES.includes(status as WaveStatus)
  ) {
    return undefined;
  }
  return {
    waveId,
    status: status as WaveStatus,
    type,
    at,
    ...(typeof clusterId === 'string' ? { clusterId } : {}),
  };
}

/**
 * Calls `onSignal` for every wave transition on `channel` (`upgradeWavesSignalChannels.fleet` or `.wave(id)`).
 *
 * @returns whether the app has a signal API, i.e. whether the page is live.
 */
export function useUpgradeWavesSignal(
  channel: string,
  onSignal: (signal: WaveSignal) => void,
): { live: boolean } {
  return useSignalChannel(channel, readWaveSignal, onSignal);
}
