import { ReactNode } from 'react';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { sentinelSignalChannel } from '@fleetdeck/plugin-sentinel-common';
import { act, renderHook } from '@testing-library/react';
import { fakeSignalApi } from '../__testUtils__/signals';
import { FALLBACK_REFRESH_MS, useGroupUpdates } from './useGroupUpdates';

function setup() {
  const signals = fakeSignalApi();
  const handlers = {
    onTopology: jest.fn(),
    onFailover: jest.fn(),
    onFallback: jest.fn(),
  };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[signalApiRef, signals.api]]}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    ({ group }: { group: string }) => useGroupUpdates(group, handlers),
    { wrapper, initialProps: { group: 'sessions' } },
  );
  return { signals, handlers, hook };
}

describe('useGroupUpdates', () => {
  afterEach(() => jest.useRealTimers());

  it('calls the handler matching each signal of the group', () => {
    const { signals, handlers } = setup();
    const channel = sentinelSignalChannel('sessions');

    signals.publish(channel, { group: 'sessions', type: 'topology', at: 't1' });
    expect(handlers.onTopology).toHaveBeenCalledWith({
      group: 'sessions',
      type: 'topology',
      at: 't1',
    });
    signals.publish(channel, {
      group: 'sessions',
      type: 'failover',
      failoverId: 'f-9',
      at: 't2',
    });
    expect(handlers.onFailover).toHaveBeenCalledWith({
      group: 'sessions',
      type: 'failover',
      failoverId: 'f-9',
      at: 't2',
    });
    expect(handlers.onTopology).toHaveBeenCalledTimes(1);
  });

  it('ignores messages for another group or of an unknown type', () => {
    const { signals, handlers } = setup();
    const channel = sentinelSignalChannel('sessions');

    signals.publish(channel, { group: 'cache', type: 'topology', at: 't1' });
    signals.publish(channel, {
      group: 'sessions',
      type: 'unknown' as 'topology',
      at: 't1',
    });

    expect(handlers.onTopology).not.toHaveBeenCalled();
    expect(handlers.onFailover).not.toHaveBeenCalled();
  });

  it('moves its subscription to the new group’s channel', () => {
    const { signals, hook } = setup();
    expect(signals.channels()).toEqual([sentinelSignalChannel('sessions')]);

    hook.rerender({ group: 'cache' });

    expect(signals.channels()).toEqual([sentinelSignalChannel('cache')]);
  });

  it('refreshes everything on the slow fallback interval only', () => {
    jest.useFakeTimers();
    const { handlers } = setup();

    expect(handlers.onFallback).not.toHaveBeenCalled();
    act(() => jest.advanceTimersByTime(FALLBACK_REFRESH_MS));
    expect(handlers.onFallback).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(FALLBACK_REFRESH_MS));
    expect(handlers.onFallback).toHaveBeenCalledTimes(2);
  });
});
