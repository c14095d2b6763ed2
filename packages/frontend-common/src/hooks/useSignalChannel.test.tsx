import { ReactNode } from 'react';
import { TestApiProvider } from '@backstage/test-utils';
import { SignalApi, signalApiRef } from '@backstage/plugin-signals-react';
import { act, renderHook } from '@testing-library/react';
import { useSignalChannel } from './useSignalChannel';

type OnMessage = Parameters<SignalApi['subscribe']>[1];

function setup(channel: string) {
  const subscribers = new Map<string, Set<OnMessage>>();
  const api: SignalApi = {
    subscribe(c, onMessage) {
      const own = subscribers.get(c) ?? new Set<OnMessage>();
      own.add(onMessage as OnMessage);
      subscribers.set(c, own);
      return { unsubscribe: () => own.delete(onMessage as OnMessage) };
    },
  };
  const push = (c: string, message: object) =>
    act(() =>
      subscribers.get(c)?.forEach(onMessage => onMessage(message as never)),
    );
  const listening = () =>
    [...subscribers].filter(([, own]) => own.size > 0).map(([c]) => c);
  const onSignal = jest.fn();
  const read = (m: unknown) =>
    typeof (m as { n?: unknown }).n === 'number'
      ? (m as { n: number }).n
      : undefined;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[signalApiRef, api]]}>{children}</TestApiProvider>
  );
  const hook = renderHook(
    ({ channel: c }: { channel: string }) =>
      useSignalChannel(c, read, onSignal),
    { wrapper, initialProps: { channel } },
  );
  return { push, listening, onSignal, hook };
}

describe('useSignalChannel', () => {
  it('hands over every message it can read, not only the last of a burst', () => {
    const { push, onSignal, hook } = setup('fleet');

    push('fleet', { n: 1 });
    push('fleet', { other: true });
    push('fleet', { n: 2 });

    expect(onSignal.mock.calls).toEqual([[1], [2]]);
    expect(hook.result.current.live).toBe(true);
  });

  it('moves its subscription when the channel changes, and drops it on unmount', () => {
    const { listening, hook } = setup('wave:1');
    expect(listening()).toEqual(['wave:1']);

    hook.rerender({ channel: 'wave:2' });
    expect(listening()).toEqual(['wave:2']);

    hook.unmount();
    expect(listening()).toEqual([]);
  });

  it('says the page is not live without a signal API', () => {
    const { result } = renderHook(() =>
      useSignalChannel('fleet', () => 1, jest.fn()),
    );
    expect(result.current.live).toBe(false);
  });
});
