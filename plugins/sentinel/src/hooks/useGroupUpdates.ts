import { useEffect, useRef } from 'react';
import useInterval from 'react-use/esm/useInterval';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  SentinelSignal,
  sentinelSignalChannel,
} from '@fleetdeck/plugin-sentinel-common';

/**
 * How often a page refreshes everything on its own. Signals carry the changes; this only catches what a dropped
 * signal connection missed.
 */
export const FALLBACK_REFRESH_MS = 30_000;

/** What to refetch when a group changes. */
export interface GroupUpdateHandlers {
  /** The topology changed (roles, links, sentinels, quorum). */
  onTopology(signal: SentinelSignal): void;
  /** A failover started or went through a phase. */
  onFailover(signal: SentinelSignal): void;
  /** The slow fallback refresh. */
  onFallback(): void;
}

type SignalMessage = ReturnType<typeof useSignal>['lastSignal'];

function readSignal(
  message: SignalMessage,
  group: string,
): SentinelSignal | undefined {
  if (!message || message.group !== group) return undefined;
  const { type, at, failoverId } = message;
  if ((type !== 'topology' && type !== 'failover') || typeof at !== 'string') {
    return undefined;
  }
  return {
    group,
    type,
    at,
    ...(typeof failoverId === 'string' ? { failoverId } : {}),
  };
}

/** Calls the matching handler for each signal on the group's channel, and `onFallback` every 30 s. */
export function useGroupUpdates(group: string, handlers: GroupUpdateHandlers) {
  const { lastSignal } = useSignal(sentinelSignalChannel(group));
  // The handlers change every render; the subscription must not.
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    const signal = readSignal(lastSignal, group);
    if (!signal) return;
    if (signal.type === 'failover') {
      handlersRef.current.onFailover(signal);
    } else {
      handlersRef.current.onTopology(signal);
    }
  }, [lastSignal, group]);

  useInterval(() => handlersRef.current.onFallback(), FALLBACK_REFRESH_MS);
}
