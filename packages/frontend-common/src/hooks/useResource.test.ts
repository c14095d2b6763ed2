import { act, renderHook, waitFor } from '@testing-library/react';
import { useResource } from './useResource';

describe('useResource', () => {
  it('keeps the last value, with the error, when a refresh fails', async () => {
    const load = jest.fn().mockResolvedValueOnce(1);
    const { result } = renderHook(() => useResource('pool', load));
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.value).toBe(1));

    load.mockRejectedValueOnce(new Error('backend restarting'));
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.value).toBe(1);
    expect(result.current.error?.message).toBe('backend restarting');

    load.mockResolvedValueOnce(2);
    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.value).toBe(2));
    expect(result.current.error).toBeUndefined();
  });

  it('keeps the answer of the latest load when loads overlap', async () => {
    let answerFirst: (value: string) => void = () => {};
    const load = jest
      .fn()
      .mockImplementationOnce(
        () => new Promise<string>(resolve => (answerFirst = resolve)),
      )
      .mockResolvedValueOnce('latest');
    const { result } = renderHook(() => useResource('pool', load));

    act(() => result.current.refresh());
    await waitFor(() => expect(result.current.value).toBe('latest'));
    await act(async () => answerFirst('older'));

    expect(result.current.value).toBe('latest');
  });

  it('changes the value in place, and not before there is one', async () => {
    let answer: (value: number) => void = () => {};
    const { result } = renderHook(() =>
      useResource('pool', () => new Promise<number>(r => (answer = r))),
    );

    act(() => result.current.update(n => n + 1));
    expect(result.current.value).toBeUndefined();
    await act(async () => answer(1));
    act(() => result.current.update(n => n + 1));

    expect(result.current.value).toBe(2);
  });

  it('drops the previous key’s value and starts over when the key changes', async () => {
    const { result, rerender } = renderHook(
      ({ key }: { key: string }) => useResource(key, async () => `${key}!`),
      { initialProps: { key: 'sessions' } },
    );
    await waitFor(() => expect(result.current.value).toBe('sessions!'));

    rerender({ key: 'cache' });
    expect(result.current.value).toBeUndefined();
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.value).toBe('cache!'));
  });

  it('ignores an answer that arrives after the component unmounted', async () => {
    let answer: (value: string) => void = () => {};
    const { result, unmount } = renderHook(() =>
      useResource('pool', () => new Promise<string>(r => (answer = r))),
    );
    const before = result.current;

    unmount();
    await act(async () => answer('late'));

    expect(result.current).toBe(before);
  });
});
