import { useSignalChannel } from '@fleetdeck/frontend-common';
import { PoolSignal } from '@fleetdeck/plugin-warm-pools-common';

/** The message as a PoolSignal, or undefined when it is not one. */
export function readPoolSignal(message: unknown): PoolSignal | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, pool } = message as Record<string, unknown>;
  if (type !== 'pool-changed' || typeof pool !== 'object' || pool === null) {
    return undefined;
  }
  const summary = pool as PoolSignal['pool'];
  if (
    typeof summary.id !== 'string' ||
    typeof summary.warmReady !== 'number' ||
    typeof summary.warmPending !== 'number' ||
    typeof summary.assigned !== 'number'
  ) {
    return undefined;
  }
  return { type, pool: summary };
}

/**
 * Calls `onSignal` for every pool signal on `channel`; on the pools channel, two pools changing at once both
 * reach the page.
 *
 * @returns whether the app has a signal API, i.e. whether the page is live.
 */
export function useWarmPoolsSignal(
  channel: string,
  onSignal: (signal: PoolSignal) => void,
): { live: boolean } {
  return useSignalChannel(channel, readPoolSignal, onSignal);
}
