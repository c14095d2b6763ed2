/**
 * A pool is identified by where its pods live and the value of their `pool` label.
 *
 * @public
 */
export interface PoolRef {
  cluster: string;
  namespace: string;
  pool: string;
}

/**
 * `cluster/namespace/pool`, the stable id of a pool in routes and signals.
 *
 * @public
 */
export type PoolId = string;

/** @public */
export function poolIdOf(ref: PoolRef): PoolId {
  return `${ref.cluster}/${ref.namespace}/${ref.pool}`;
}

/**
 * A summary of observed durations, in milliseconds; the percentiles are undefined while `count` is 0.
 *
 * @public
 */
export interface DurationSummary {
  count: number;
  p50Ms?: number;
  p90Ms?: number;
  p99Ms?: number;
}

/**
 * What the backend knows about one pool at one moment.
 *
 * @public
 */
export interface PoolSnapshot extends PoolRef {
  id: PoolId;
  /** From configuration or the provisioner's `fleetdeck.io/warm-pool-target` annotation; undefined when neither says. */
  target?: number;
  warmReady: number;
  warmPending: number;
  /** Pods handed to a session, on-demand ones included. */
  assigned: number;
  /** Sessions whose pod was created already assigned, because no warm pod was ready. */
  onDemandSessions: number;
  sessionsStarted: number;
  /** Moments a session arrived and found no ready warm pod. */
  emptyEvents: number;
  /** Pod creation to its Ready condition. */
  timeToReady: DurationSummary;
  /** Sessions started per minute over `assignmentWindowMs`. */
  assignmentRatePerMinute: number;
  assignmentWindowMs: number;
  /** From an assignment that took a warm pod until the pool was back at its target. */
  replenishLag: DurationSummary;
  /** True while the cluster's watch is down; the numbers are then the last known ones. */
  stale: boolean;
  /** ISO time of the last moment the backend was known to be in sync with the cluster. */
  lastSyncedAt?: string;
}

/** @public */
export type PoolPodState =
  | 'warm-ready'
  | 'warm-pending'
  | 'assigned'
  | 'on-demand';

/**
 * One pod of a pool.
 *
 * @public
 */
export interface PoolPod {
  name: string;
  state: PoolPodState;
  sessionId?: string;
  /** ISO creation time; age is derived from it so that a snapshot does not go out of date. */
  createdAt: string;
  ageMs: number;
  /** ISO time the pod became Ready. */
  readyAt?: string;
}
