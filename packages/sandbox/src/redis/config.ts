/** Quotes a value for redis.conf (parsed like redis-cli arguments). */
function quote(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')}"`;
}

export interface RedisNodeConfig {
  name: string;
  port: number;
  dir: string;
  /** Master port for replicas; absent for the initial master. */
  replicaOf?: number;
  password?: string;
}

/** What every process of a topology shares: its port on loopback, in the foreground, logging to its own file. */
function processLines(config: {
  name: string;
  port: number;
  dir: string;
}): string[] {
  return [
    `port ${config.port}`,
    'bind 127.0.0.1',
    'protected-mode no',
    'daemonize no',
    `dir ${quote(config.dir)}`,
    `logfile ${quote(`${config.name}.log`)}`,
  ];
}

export function renderRedisConfig(config: RedisNodeConfig): string {
  const lines = [
    ...processLines(config),
    // The nodes share one directory, so each needs its own RDB file name
    // (replicas write the snapshot they receive from the master).
    `dbfilename ${quote(`${config.name}.rdb`)}`,
    // A throwaway fleet: no snapshots or AOF to slow it down.
    'save ""',
    'appendonly no',
    // Without this, a replica waits 5 s for its first full sync.
    'repl-diskless-sync yes',
    'repl-diskless-sync-delay 0',
  ];
  if (config.password !== undefined) {
    // masterauth on every node, the master too: after a failover it is a replica.
    lines.push(`requirepass ${quote(config.password)}`);
    lines.push(`masterauth ${quote(config.password)}`);
  }
  if (config.replicaOf !== undefined) {
    lines.push(`replicaof 127.0.0.1 ${config.replicaOf}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface SentinelNodeConfig {
  name: string;
  port: number;
  dir: string;
  masterName: string;
  masterPort: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  password?: string;
}

/**
 * Sentinels themselves have no `requirepass`: they listen on loopback only, and
 * leaving them open keeps clients simple (no `sentinelPassword`). The data
 * nodes are protected, so the sentinels get `auth-pass` for them.
 */
export function renderSentinelConfig(config: SentinelNodeConfig): string {
  const lines = [
    ...processLines(config),
    `sentinel monitor ${config.masterName} 127.0.0.1 ${config.masterPort} ${config.quorum}`,
    `sentinel down-after-milliseconds ${config.masterName} ${config.downAfterMs}`,
    `sentinel failover-timeout ${config.masterName} ${config.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${config.masterName} 1`,
  ];
  if (config.password !== undefined) {
    lines.push(
      `sentinel auth-pass ${config.masterName} ${quote(config.password)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
