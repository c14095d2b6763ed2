import { act } from '@testing-library/react';
import { SignalApi } from '@backstage/plugin-signals-react';
import { SentinelSignal } from '@fleetdeck/plugin-sentinel-common';

type Listener = Parameters<SignalApi['subscribe']>[1];

/** A SignalApi the test publishes on, as the signals backend would push to the browser. */
export function fakeSignalApi() {
  const listeners = new Map<string, Set<Listener>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const listener = onMessage as Listener;
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(listener) };
    },
  };
  return {
    api,
    channels: () =>
      [...listeners].filter(([, set]) => set.size > 0).map(([c]) => c),
    publish(channel: string, signal: SentinelSignal) {
      act(() => {
        for (const listener of listeners.get(channel) ?? []) {
          listener({ ...signal });
        }
      });
    },
  };
}
