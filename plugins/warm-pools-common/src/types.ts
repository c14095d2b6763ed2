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

/**
 * Session start latency: from a session's arrival (its pod labelled `assigned=true`, or created so) to its pod
 * being Ready — near zero for a warm pod, the whole start-up for an on-demand one.
 *
 * @public
 */
export interface SessionStartLatency {
  warm: DurationSummary;
  onDemand: DurationSummary;
}

/**
 * A pool in the list: its snapshot plus the moments it ran empty since midnight UTC.
 *
 * @public
 */
export interface PoolSummary extends PoolSnapshot {
  emptyEventsToday: number;
}

/**
 * One bucket of the time-to-ready histogram: pods whose time to Ready was at most `leMs` and above the previous
 * bucket. The bounds are fixed; the last bucket's `leMs` is `Number.MAX_SAFE_INTEGER` (JSON has no Infinity) and
 * holds every pod slower than the bucket before it.
 *
 * @public
 */
export interface HistogramBucket {
  leMs: number;
  count: number;
}

/**
 * The pool size that keeps the chance of an empty pool under `emptyProbabilityTarget`.
 *
 * Model: sessions arrive as a Poisson process of rate λ (observed assignment rate); a taken warm pod is replaced
 * after the refill time R (observed time-to-ready p90). A pool of size N runs empty when more than N sessions
 * arrive within R, so the recommendation is the smallest N with P(Poisson(λR) > N) ≤ target.
 *
 * @public
 */
export interface SizingAdvice {
  /** Undefined while there is not enough data (`reason` says why). */
  recommendedTarget?: number;
  currentTarget?: number;
  arrivalRatePerMinute: number;
  refillSeconds?: number;
  emptyProbabilityTarget: number;
  /** The model's chance of an empty pool at the current target. */
  emptyProbabilityAtCurrent?: number;
  reason?: string;
}

/**
 * One pool in detail.
 *
 * @public
 */
export interface PoolDetail extends PoolSummary {
  sessionStartLatency: SessionStartLatency;
  timeToReadyHistogram: HistogramBucket[];
  advice: SizingAdvice;
  /** ISO times of the recent moments the pool ran empty, newest first. */
  recentEmptyAt: string[];
}

/**
 * One stored point of a pool (every 10 s; averaged over `stepSeconds` for long ranges).
 *
 * @public
 */
export interface PoolHistoryPoint {
  at: string;
  target?: number;
  warmReady: number;
  warmPending: number;
  assigned: number;
  /** Sessions started during the step, and how many of them on demand. */
  sessionsStarted: number;
  onDemandSessions: number;
  emptyEvents: number;
}

/** @public */
export interface PoolHistory {
  id: PoolId;
  from: string;
  to: string;
  stepSeconds: number;
  points: PoolHistoryPoint[];
}

/** What a subscriber of the warm-pools signal channels receives. @public */
export interface PoolSignal {
  type: 'pool-changed';
  pool: PoolSummary;
}

/**
 * Signal channels: every pool's changes on `pools`, one pool's on `pool(id)`.
 *
 * @public
 */
export const warmPoolsSignalChannels = {
  pools: 'warm-pools',
  pool: (id: PoolId) => `warm-pools:${id}`,
};
