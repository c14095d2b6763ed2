import type { RedisOptions } from 'ioredis';
import type { SentinelGroupConfig, SentinelSettings } from '../config';

export type ConnectionRole = 'sentinel' | 'subscriber' | 'node';

/** Exponential backoff from `minDelayMs` to `maxDelayMs`, with jitter so many monitors do not reconnect in step. */
export function reconnectDelay(
  attempt: number,
  reconnect: SentinelSettings['reconnect'],
  random: () => number = Math.random,
): number {
  const exponential = reconnect.minDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(exponential, reconnect.maxDelayMs);
  return Math.round(capped * (0.8 + 0.4 * random()));
}

/**
 * The ioredis options for one connection of a group: a sentinel's command or subscriber connection, or a
 * data node (master or replica). Auth and TLS come from the group; commands fail fast while disconnected
 * (the monitor shows the node as unreachable) and ioredis reconnects with backoff.
 */
export function connectionOptions(
  group: SentinelGroupConfig,
  address: { host: string; port: number },
  role: ConnectionRole,
  settings: Pick<SentinelSettings, 'commandTimeoutMs' | 'reconnect'>,
): RedisOptions {
  const auth = role === 'node' ? group.auth : group.sentinelAuth;
  const options: RedisOptions = {
    host: address.host,
    port: address.port,
    connectionName: `backstage-sentinel-${role}`,
    connectTimeout: settings.commandTimeoutMs,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: attempt => reconnectDelay(attempt, settings.reconnect),
    // The subscriber waits for messages indefinitely; only command replies have a deadline.
    commandTimeout:
      role === 'subscriber' ? undefined : settings.commandTimeoutMs,
    // Subscriptions are made again on every `ready` by the monitor.
    autoResubscribe: false,
  };
  if (auth) {
    options.username = auth.username;
    options.password = auth.password;
  }
  if (group.tls) {
    options.tls = {
      ca: group.tls.ca,
      cert: group.tls.cert,
      key: group.tls.key,
      rejectUnauthorized: group.tls.rejectUnauthorized ?? true,
    };
  }
  return options;
}
