import { useCallback, useEffect, useRef } from 'react';

/** The least time between two refetches that signals cause. */
export const REFRESH_THROTTLE_MS = 1000;

/**
 * Returns a `request()` that runs `refresh` at most once per `intervalMs`: at once when the last run is older than
 * that, otherwise once at the end of the interval, however many requests came in it. A busy pool sends a signal
 * per pod change; the page then refetches once a second, and the last change is never left out.
 */
export function useThrottledRefresh(
  refresh: () => void,
  intervalMs: number = REFRESH_THROTTLE_MS,
): () => void {
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const lastRunAt = useRef<number>();
  const pending = useRef<ReturnType<typeof setTimeout>>();

  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );

  return useCallback(() => {
    if (pending.current) return;
    const run = () => {
      pending.current = undefined;
      lastRunAt.current = Date.now();
      refreshRef.current();
    };
    const sinceLast =
      lastRunAt.current === undefined
        ? Infinity
        : Date.now() - lastRunAt.current;
    if (sinceLast >= intervalMs) {
      run();
    } else {
      pending.current = setTimeout(run, intervalMs - sinceLast);
    }
  }, [intervalMs]);
}
