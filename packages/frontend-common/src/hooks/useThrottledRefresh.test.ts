import { act, renderHook } from '@testing-library/react';
import {
  REFRESH_THROTTLE_MS,
  useThrottledRefresh,
} from './useThrottledRefresh';

describe('useThrottledRefresh', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the first request at once', () => {
    const refresh = jest.fn();
    const { result } = renderHook(() => useThrottledRefresh(refresh));

    act(() => result.current());

    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('folds the requests of the next second into one run at its end', () => {
    const refresh = jest.fn();
    const { result } = renderHook(() => useThrottledRefresh(refresh));

    act(() => result.current());
    act(() => jest.advanceTimersByTime(200));
    act(() => {
      result.current();
      result.current();
      result.current();
    });
    expect(refresh).toHaveBeenCalledTimes(1);

    act(() => jest.advanceTimersByTime(REFRESH_THROTTLE_MS - 200 - 1));
    expect(refresh).toHaveBeenCalledTimes(1);
    act(() => jest.advanceTimersByTime(1));
    expect(refresh).toHaveBeenCalledTimes(2);

    // Nothing more comes by itself: no polling.
    act(() => jest.advanceTimersByTime(10 * REFRESH_THROTTLE_MS));
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('runs at once again when the last run is a second old', () => {
    const refresh = jest.fn();
    const { result } = renderHook(() => useThrottledRefresh(refresh));

    act(() => result.current());
    act(() => jest.advanceTimersByTime(REFRESH_THROTTLE_MS));
    act(() => result.current());

    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('calls the latest refresh and nothing after unmount', () => {
    const first = jest.fn();
    const second = jest.fn();
    const { result, rerender, unmount } = renderHook(
      ({ refresh }: { refresh: () => void }) => useThrottledRefresh(refresh),
      { initialProps: { refresh: first } },
    );

    act(() => result.current());
    act(() => result.current());
    rerender({ refresh: second });
    act(() => jest.advanceTimersByTime(REFRESH_THROTTLE_MS));
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);

    // Within a second of that run: this request waits, and unmounting drops it.
    act(() => result.current());
    unmount();
    act(() => jest.advanceTimersByTime(REFRESH_THROTTLE_MS));
    expect(second).toHaveBeenCalledTimes(1);
  });
});
