import { useCallback, useEffect, useRef, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';

/** Data loaded from the backend that can be refreshed in place. */
export interface Resource<T> {
  /** The last value loaded; kept while a refresh runs and when a refresh fails. */
  value?: T;
  /** Why the last load failed. */
  error?: Error;
  loading: boolean;
  refresh(): void;
}

/**
 * Loads `load()` now and again on `refresh()`. Unlike react-use's `useAsyncRetry`, a failed refresh keeps the
 * last value, so a live page shows stale data with a warning instead of going blank when the backend blips.
 * A new `key` (another group) starts over.
 */
export function useResource<T>(
  key: string,
  load: () => Promise<T>,
): Resource<T> {
  const [state, setState] = useState<{
    key: string;
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ key, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const callId = useRef(0);
  const isMounted = useMountedState();

  const refresh = useCallback(() => {
    const id = ++callId.current;
    setState(previous => ({ ...previous, loading: true }));
    loadRef.current().then(
      value => {
        if (isMounted() && id === callId.current) {
          setState(previous => ({ key: previous.key, value, loading: false }));
        }
      },
      error => {
        if (isMounted() && id === callId.current) {
          setState(previous => ({ ...previous, error, loading: false }));
        }
      },
    );
  }, [isMounted]);

  useEffect(() => {
    setState({ key, loading: true });
    refresh();
  }, [key, refresh]);

  // Until the effect above has run for a new key, the state still holds the previous group's data.
  if (state.key !== key) {
    return { loading: true, refresh };
  }
  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    refresh,
  };
}
