import { act } from '@testing-library/react';
import { SignalApi } from '@backstage/plugin-signals-react';
import { WaveSignal } from '@fleetdeck/plugin-upgrade-waves-common';

type OnMessage = Parameters<SignalApi['subscribe']>[1];

/**
 * A SignalApi that a test pushes messages through, as the signals backend pushes them to the browser; each
 * message is delivered on its own, the way a WebSocket delivers them.
 */
export function fakeSignalApi() {
  const subscribers = new Map<string, Set<OnMessage>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const own = subscribers.get(channel) ?? new Set<OnMessage>();
      own.add(onMessage as OnMessage);
      subscribers.set(channel, own);
      return { unsubscribe: () => own.delete(onMessage as OnMessage) };
    },
  };
  const push = (channel: string, message: object) =>
    act(() => {
      for (const onMessage of subscribers.get(channel) ?? []) {
        onMessage(JSON.parse(JSON.stringify(message)));
      }
    });
  return {
    api,
    /** The channels someone listens on. */
    channels: () =>
      [...subscribers].filter(([, own]) => own.size > 0).map(([c]) => c),
    /** Pushes any message, e.g. a malformed one. */
    push,
    /** Pushes a wave transition, as the backend publishes it. */
    transitioned(channel: string, signal: Omit<WaveSignal, 'at'>) {
      push(channel, { at: new Date().toISOString(), ...signal });
    },
  };
}
