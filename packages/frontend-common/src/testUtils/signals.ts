import { act } from '@testing-library/react';
import type { SignalApi } from '@backstage/plugin-signals-react';

type OnMessage = Parameters<SignalApi['subscribe']>[1];

/**
 * A SignalApi that a test pushes messages through, as the signals backend pushes them to the browser; each
 * message is delivered on its own (and JSON-copied), the way a WebSocket delivers them.
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
  return {
    api,
    /** The channels someone listens on. */
    channels: () =>
      [...subscribers].filter(([, own]) => own.size > 0).map(([c]) => c),
    /** Pushes a message on `channel`, e.g. a malformed one. */
    push: (channel: string, message: object) =>
      act(() => {
        for (const onMessage of subscribers.get(channel) ?? []) {
          onMessage(JSON.parse(JSON.stringify(message)));
        }
      }),
  };
}

/** What `fakeSignalApi` gives a test. */
export type FakeSignalApi = ReturnType<typeof fakeSignalApi>;
