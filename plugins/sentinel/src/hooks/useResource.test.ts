import { act, renderHook, waitFor } from '@testing-library/react';
import { useResource } from './useResource';

describe('useResource', () => {
  it('loads, then keeps the last value with the error when a refresh fails', async () => {
    const load = jest.fn().mockResolvedValueOnce('first');
    const { result } = renderHook(() => useResource('sessions', load));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.value).toBe('first'));

    load.mockRejectedValueOnce(new Error('backend restarting'));
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.loading).toBe(false));

    expect(result.current.value).toBe('first');
    expect(result.current.error?.message).toBe('backend restarting');

    load.mockResolvedValueOnce('second');
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.value).toBe('second'));
    expect(result.current.error).toBeUndefined();
  });

  it('drops the previous key’s value when the key changes', async () => {
    const { result, rerender } = renderHook(
      ({ key }: { key: string }) => useResource(key, async () => `${key}!`),
      { initialProps: { key: 'sessions' } },
    );
    await waitFor(() => expect(result.current.value).toBe('sessions!'));

    rerender({ key: 'cache' });
    expect(result.current.value).toBeUndefined();
    await waitFor(() => expect(result.current.value).toBe('cache!'));
  });

  it('keeps only the answer of the latest call when calls overlap', async () => {
    let resolveSlow: (value: string) => void = () => {};
    const load = jest
      .fn()
      .mockImplementationOnce(
        () => new Promise<string>(resolve => (resolveSlow = resolve)),
      )
      .mockResolvedValueOnce('fresh');
    const { result } = renderHook(() => useResource('sessions', load));

    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.value).toBe('fresh'));
    await act(async () => resolveSlow('stale'));

    expect(result.current.value).toBe('fresh');
  });
});
