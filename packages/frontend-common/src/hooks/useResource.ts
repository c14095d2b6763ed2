import { useCallback, useEffect, useRef, useState } from 'react';
import useMountedState from 'react-use/esm/useMountedState';

/** Something loaded from the backend that a page keeps current. */
export interface Resource<T> {
  /** The latest value; kept while a refresh runs and when one fails. */
  value?: T;
  /** Why the latest load failed. */
  error?: Error;
  loading: boolean;
  /** Loads again. */
  refresh(): void;
  /** Changes the value in place, e.g. from a signal's payload; does nothing before the first value. */
  update(change: (value: T) => T): void;
}

interface State<T> {
  key: string;
  value?: T;
  error?: Error;
  loading: boolean;
}

/**
 * Loads `load()` for `key`, again on `refresh()`, and from scratch when `key` changes. Unlike react-use's
 * `useAsyncRetry`, a failed refresh keeps the last value, so a live page shows it under a warning rather than
 * going blank when the backend blips; and when loads overlap only the answer of the latest one is kept.
 */
export function useResource<T>(
  key: string,
  load: () => Promise<T>,
): Resource<T> {
  const [state, setState] = useState<State<T>>({ key, loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const latestCall = useRef(0);
  const isMounted = useMountedState();

  const refresh = useCallback(() => {
    const call = ++latestCall.current;
    const current = () => isMounted() && call === latestCall.current;
    setState(previous => ({ ...previous, loading: true }));
    loadRef.current().then(
      value => {
        if (current())
          setState(previous => ({ key: previous.key, value, loading: false }));
      },
      error => {
        if (current())
          setState(previous => ({ ...previous, error, loading: false }));
      },
    );
  }, [isMounted]);

  const update = useCallback((change: (value: T) => T) => {
    setState(previous =>
      previous.value === undefined
        ? previous
        : { ...previous, value: change(previous.value) },
    );
  }, []);

  useEffect(() => {
    setState({ key, loading: true });
    refresh();
  }, [key, refresh]);

  // Until the effect above has run for a new key, the state still holds the previous key's value.
  if (state.key !== key) return { loading: true, refresh, update };
  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    refresh,
    update,
  };
}
