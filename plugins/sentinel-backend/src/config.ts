import type { Config } from '@backstage/config';

/** Credentials for `AUTH [username] password`; the password comes from the environment and is never logged. */
export interface RedisAuth {
  username?: string;
  password: string;
}

/** PEM material for TLS connections; `{}` means TLS with the system's trusted CAs. */
export interface RedisTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
}

export interface SentinelGroupConfig {
  name: string;
  masterName: string;
  sentinels: Array<{ host: string; port: number }>;
  /** For the master and replicas (INFO, SCAN). */
  auth?: RedisAuth;
  /** For the sentinels, when they have a `requirepass` of their own. */
  sentinelAuth?: RedisAuth;
  tls?: RedisTls;
}

export interface SentinelSettings {
  groups: SentinelGroupConfig[];
  pollIntervalMs: number;
  commandTimeoutMs: number;
  reconnect: { minDelayMs: number; maxDelayMs: number };
  lag: { sampleIntervalMs: number; retentionDays: number };
  sessionStore: {
    enabled: boolean;
    intervalMs: number;
    commandsPerMinute: number;
    sampleKeys: number;
    scanCount: number;
  };
  failover: {
    confirmTimeoutMs: number;
    staleAfterMs: number;
    reconcileIntervalMs: number;
  };
}

function positive(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value > 0)) {
    throw new Error(`sentinel.${key} must be a positive number, got ${value}`);
  }
  return value;
}

function parseAddress(value: string, where: string) {
  const match = /^(.+):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new Error(`${where} must be host:port, got '${value}'`);
  }
  // [::1]:26379 → ::1
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function readAuth(config: Config | undefined): RedisAuth | undefined {
  if (!config) return undefined;
  return {
    username: config.getOptionalString('username'),
    password: config.getString('password'),
  };
}

function readTls(group: Config): RedisTls | undefined {
  const raw = group.getOptional('tls');
  if (raw === undefined || raw === false) return undefined;
  if (raw === true) return {};
  const tls = group.getConfig('tls');
  return {
    ca: tls.getOptionalString('ca'),
    cert: tls.getOptionalString('cert'),
    key: tls.getOptionalString('key'),
    rejectUnauthorized: tls.getOptionalBoolean('rejectUnauthorized'),
  };
}

/** Everything the plugin reads from `sentinel`, read in one place. */
export function readSentinelConfig(root: Config): SentinelSettings {
  const config = root.getOptionalConfig('sentinel');
  const groups = (config?.getOptionalConfigArray('groups') ?? []).map(
    (group, index) => {
      const where = `sentinel.groups[${index}]`;
      const sentinels = group.getStringArray('sentinels');
      if (sentinels.length === 0) {
        throw new Error(`${where}.sentinels must name at least one sentinel`);
      }
      return {
        name: group.getString('name'),
        masterName: group.getString('masterName'),
        sentinels: sentinels.map((s, i) =>
          parseAddress(s, `${where}.sentinels[${i}]`),
        ),
        auth: readAuth(group.getOptionalConfig('auth')),
        sentinelAuth: readAuth(group.getOptionalConfig('sentinelAuth')),
        tls: readTls(group),
      };
    },
  );
  const seen = new Set<string>();
  for (const group of groups) {
    if (seen.has(group.name)) {
      throw new Error(
        `sentinel.groups: the name '${group.name}' is used twice`,
      );
    }
    seen.add(group.name);
  }
  return {
    groups,
    pollIntervalMs: positive(config, 'pollIntervalMs', 5000),
    commandTimeoutMs: positive(config, 'commandTimeoutMs', 2000),
    reconnect: {
      minDelayMs: positive(config, 'reconnect.minDelayMs', 500),
      maxDelayMs: positive(config, 'reconnect.maxDelayMs', 30000),
    },
    lag: {
      sampleIntervalMs: positive(config, 'lag.sampleIntervalMs', 10000),
      retentionDays: positive(config, 'lag.retentionDays', 7),
    },
    sessionStore: {
      enabled: config?.getOptionalBoolean('sessionStore.enabled') ?? true,
      intervalMs: positive(config, 'sessionStore.intervalMs', 60000),
      commandsPerMinute: positive(
        config,
        'sessionStore.commandsPerMinute',
        600,
      ),
      sampleKeys: positive(config, 'sessionStore.sampleKeys', 1000),
      scanCount: positive(config, 'sessionStore.scanCount', 100),
    },
    failover: {
      confirmTimeoutMs: positive(config, 'failover.confirmTimeoutMs', 10000),
      staleAfterMs: positive(config, 'failover.staleAfterMs', 300000),
      reconcileIntervalMs: positive(
        config,
        'failover.reconcileIntervalMs',
        60000,
      ),
    },
  };
}
