import { useEffect, useRef } from 'react';
import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';

/**
 * Calls `onSignal` for every message on `channel` that `read` accepts (it returns undefined for anything else).
 * It subscribes through the signal API itself rather than `useSignal`, which keeps only the last message between
 * two renders: when two things change at once, both messages must reach the page.
 *
 * @returns whether the app has a signal API, i.e. whether the page is live.
 */
export function useSignalChannel<T>(
  channel: string,
  read: (message: unknown) => T | undefined,
  onSignal: (signal: T) => void,
): { live: boolean } {
  const signals = useApiHolder().get(signalApiRef);
  // The callbacks change every render; the subscription must not.
  const callbacks = useRef({ read, onSignal });
  callbacks.current = { read, onSignal };

  useEffect(() => {
    if (!signals) return undefined;
    const subscription = signals.subscribe(channel, message => {
      const signal = callbacks.current.read(message);
      if (signal !== undefined) callbacks.current.onSignal(signal);
    });
    return () => subscription.unsubscribe();
  }, [signals, channel]);

  return { live: signals !== undefined };
}
