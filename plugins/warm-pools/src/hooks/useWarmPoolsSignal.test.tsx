import { ReactNode } from 'react';
import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { warmPoolsSignalChannels } from '@fleetdeck/plugin-warm-pools-common';
import { renderHook } from '@testing-library/react';
import { poolSummary } from '../__testUtils__/fixtures';
import { fakeSignalApi } from '../__testUtils__/signals';
import { readPoolSignal, useWarmPoolsSignal } from './useWarmPoolsSignal';

const warm = poolSummary({ cluster: 'c1', namespace: 'ns', pool: 'warm' });
const gpu = poolSummary({ cluster: 'c1', namespace: 'ns', pool: 'gpu' });

function setup(channel = warmPoolsSignalChannels.pools) {
  const signals = fakeSignalApi();
  const onSignal = jest.fn();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[signalApiRef, signals.api]]}>
      {children}
    </TestApiProvider>
  );
  const hook = renderHook(
    ({ channel: c }: { channel: string }) => useWarmPoolsSignal(c, onSignal),
    { wrapper, initialProps: { channel } },
  );
  return { signals, onSignal, hook };
}

describe('useWarmPoolsSignal', () => {
  it('hands over every pool signal, not only the last of a burst', () => {
    const { signals, onSignal, hook } = setup();

    signals.poolChanged(warmPoolsSignalChannels.pools, warm);
    signals.poolChanged(warmPoolsSignalChannels.pools, gpu);

    expect(onSignal.mock.calls.map(([s]) => s.pool.id)).toEqual([
      'c1/ns/warm',
      'c1/ns/gpu',
    ]);
    expect(hook.result.current.live).toBe(true);
  });

  it('moves its subscription when the channel changes, and drops it on unmount', () => {
    const { signals, hook } = setup(warmPoolsSignalChannels.pool('c1/ns/warm'));
    expect(signals.channels()).toEqual(['warm-pools:c1/ns/warm']);

    hook.rerender({ channel: warmPoolsSignalChannels.pool('c1/ns/gpu') });
    expect(signals.channels()).toEqual(['warm-pools:c1/ns/gpu']);

    hook.unmount();
    expect(signals.channels()).toEqual([]);
  });

  it('says the page is not live without a signal API', () => {
    const { result } = renderHook(() =>
      useWarmPoolsSignal(warmPoolsSignalChannels.pools, jest.fn()),
    );
    expect(result.current.live).toBe(false);
  });
});

describe('readPoolSignal', () => {
  it('reads a pool-changed signal', () => {
    expect(readPoolSignal({ type: 'pool-changed', pool: warm })).toEqual({
      type: 'pool-changed',
      pool: warm,
    });
  });

  it.each([
    ['no object', 'pool-changed'],
    ['another type', { type: 'pool-removed', pool: warm }],
    ['no pool', { type: 'pool-changed' }],
    [
      'a pool without counts',
      { type: 'pool-changed', pool: { id: 'c1/ns/warm' } },
    ],
    [
      'a pool without an id',
      { type: 'pool-changed', pool: { ...warm, id: undefined } },
    ],
  ])('rejects %s', (_what, message) => {
    expect(readPoolSignal(message)).toBeUndefined();
  });
});
