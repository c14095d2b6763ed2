/** A configured Sentinel group, as the API shows it (never with its secrets). @public */
export interface SentinelGroup {
  name: string;
  masterName: string;
  /** `host:port` of each sentinel. */
  sentinels: string[];
  tls: boolean;
  /** Whether the group authenticates (username / password); the values are never sent. */
  auth: boolean;
}

/** Overall state of a group. @public */
export type GroupHealth = 'healthy' | 'degraded' | 'down' | 'unknown';

/** One sentinel as the monitor sees it. @public */
export interface SentinelView {
  address: string;
  reachable: boolean;
  /** The master this sentinel believes in, `host:port`. */
  master?: string;
  /** The sentinel's flags for the master (e.g. `master`, `s_down`, `o_down`). */
  masterFlags?: string[];
  lastError?: string;
  /** When the monitor will try an unreachable sentinel again. */
  retryAt?: string;
}

/** A Redis node of the group: its role and replication state. @public */
export interface RedisNodeView {
  address: string;
  role: 'master' | 'replica' | 'unknown';
  reachable: boolean;
  /** `master_link_status` of a replica. */
  linkStatus?: 'up' | 'down';
  /** Replication offset. */
  offset?: number;
  /** Master offset minus this replica's offset. */
  lagBytes?: number;
  /** How far behind the master this replica is, in seconds (from `master_last_io_seconds_ago` and lag). */
  lagSeconds?: number;
  flags?: string[];
}

/** Quorum health from `SENTINEL CKQUORUM`. @public */
export interface QuorumStatus {
  quorum: number;
  /** Sentinels that can be reached and agree. */
  usable: number;
  ok: boolean;
  message: string;
}

/** A group's topology and health at one moment. @public */
export interface GroupTopology {
  group: string;
  masterName: string;
  health: GroupHealth;
  /** Why the group is not healthy, one line per reason. */
  problems: string[];
  master?: RedisNodeView;
  replicas: RedisNodeView[];
  sentinels: SentinelView[];
  quorum?: QuorumStatus;
  /** Whether every reachable sentinel names the same master. */
  sentinelsAgree: boolean;
  updatedAt: string;
}

/**
 * The phases of a failover, in the order Sentinel goes through them: first `+sdown`, `+odown`, leader elected,
 * replica selected, replica promoted, `+switch-master`, failover end.
 *
 * @public
 */
export const FAILOVER_PHASES = [
  'sdown',
  'odown',
  'try-failover',
  'leader-elected',
  'replica-selected',
  'replica-promoted',
  'reconf-replicas',
  'switch-master',
  'failover-end',
] as const;

/** @public */
export type FailoverPhase = (typeof FAILOVER_PHASES)[number];

/** When a phase was first seen, and by which sentinel. @public */
export interface FailoverPhaseMark {
  phase: FailoverPhase;
  at: string;
  sentinel: string;
}

/** One failover, merged from the events of every sentinel. @public */
export interface FailoverRecord {
  id: string;
  group: string;
  masterName: string;
  oldMaster: string;
  newMaster?: string;
  status: 'in-progress' | 'completed' | 'timed-out';
  /** `detected`: Sentinel decided; `manual`: triggered through Fleetdeck (`SENTINEL FAILOVER`). */
  trigger: 'detected' | 'manual';
  /** Who triggered a manual failover, and why. */
  triggeredBy?: string;
  reason?: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  phases: FailoverPhaseMark[];
  /**
   * Phases that must have happened but no backend saw (it was not running then): known only from what the
   * sentinels reported afterwards, so they have no time.
   */
  unobservedPhases?: FailoverPhase[];
  /** How the end was learnt when no backend saw it (reconciled with the sentinels), or why it was given up on. */
  outcome?: string;
}

/** A replica's lag at one moment. @public */
export interface LagSample {
  at: string;
  replica: string;
  lagBytes: number;
  lagSeconds: number;
}

/** The session-store key families of seed 004. @public */
export const SESSION_KEY_PREFIXES = [
  'session:',
  'user_sessions:',
  'refresh_token:',
  'deletion_token:',
] as const;

/** @public */
export type SessionKeyPrefix = (typeof SESSION_KEY_PREFIXES)[number];

/** Counts and TTL spread of one key family, estimated from a bounded SCAN sample. @public */
export interface KeyFamilyStats {
  prefix: SessionKeyPrefix;
  /** Keys of this family in the sample. */
  sampled: number;
  /** Estimated keys of this family in the database (sample share × DBSIZE). */
  estimated: number;
  /** TTL percentiles in seconds over the sampled keys that have one. */
  ttlSeconds: { p50: number; p90: number; max: number } | null;
  /** Sampled keys without a TTL (they never expire: worth a look in a session store). */
  withoutTtl: number;
}

/** The session-store shape of a group. @public */
export interface SessionStoreStats {
  group: string;
  at: string;
  /** The node sampled (a replica when one is reachable). */
  node: string;
  dbSize: number;
  sampledKeys: number;
  /** Redis commands spent on this sample; bounded by config per minute. */
  commands: number;
  families: KeyFamilyStats[];
}

/** The signal the backend publishes when a group changes (topology, a failover phase). @public */
export interface SentinelSignal {
  group: string;
  type: 'topology' | 'failover';
  failoverId?: string;
  at: string;
}

/** @public */
export const sentinelSignalChannel = (group: string) =>
  `sentinel:group:${group}`;
