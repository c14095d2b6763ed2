import { useEffect, useRef } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
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
 * Calls `onSignal` for every pool signal on `channel`. It subscribes through the signal API itself rather than
 * `useSignal`, which keeps only the last message between two renders: on the pools channel, two pools changing
 * at once must both reach the page.
 *
 * @returns whether the app has a signal API, i.e. whether the page is live.
 */
export function useWarmPoolsSignal(
  channel: string,
  onSignal: (signal: PoolSignal) => void,
): { live: boolean } {
  const signals = useApiHolder().get(signalApiRef);
  const onSignalRef = useRef(onSignal);
  onSignalRef.current = onSignal;

  useEffect(() => {
    if (!signals) return undefined;
    const subscription = signals.subscribe(channel, message => {
      const signal = readPoolSignal(message);
      if (signal) onSignalRef.current(signal);
    });
    return () => subscription.unsubscribe();
  }, [signals, channel]);

  return { live: signals !== undefined };
}
