import type { PoolTracker } from '../tracker/PoolTracker';
import type {
  PoolHistoryStore,
  StoredPoint,
} from '../database/PoolHistoryStore';

/** Missed interval boundaries written by a late run, at most. */
export const MAX_BACKFILL = 30;

export interface PoolHistoryRecorderOptions {
  tracker: PoolTracker;
  store: PoolHistoryStore;
  intervalSeconds: number;
  now?: () => number;
}

/**
 * Writes one point per pool per interval, run by a `local` scheduler task in every backend replica.
 *
 * Why local and not `global`: a point's sessions are the arrivals in its interval, `(start − interval, start]`,
 * and every replica watches the same clusters, so every replica computes the same point for the same interval
 * start (`at`, a multiple of the interval). The table's key is (pool, at) and writes are insert-or-ignore, so the
 * first replica's point is kept and the others' are dropped: no duplicates, and no gap when a replica dies. A
 * global task would also avoid duplicates, but its DB-lock polling (5 s) would shift a 10 s cadence by up to half
 * an interval, and the run would move between replicas.
 *
 * A run that comes late (a busy event loop, a slow database) also writes the boundaries it missed since its last
 * run, each with its own interval's sessions and the current sizes, so that no session goes uncounted; at most
 * `MAX_BACKFILL` of them, as arrivals are only kept for a while.
 */
export class PoolHistoryRecorder {
  private readonly now: () => number;
  private lastAt?: number;

  constructor(private readonly options: PoolHistoryRecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The points of the latest interval boundary (and of those missed since the last call), for every pool that is
   * in sync: a stale pool's numbers are old, and another replica may see it live.
   */
  points(nowMs: number = this.now()): StoredPoint[] {
    const intervalMs = this.options.intervalSeconds * 1000;
    const latest = Math.floor(nowMs / intervalMs) * intervalMs;
    const first =
      this.lastAt === undefined
        ? latest
        : Math.max(
            this.lastAt + intervalMs,
            latest - (MAX_BACKFILL - 1) * intervalMs,
          );
    const boundaries: number[] = [];
    for (let at = first; at <= latest; at += intervalMs) boundaries.push(at);
    const { tracker } = this.options;
    return tracker.snapshots().flatMap(s =>
      s.stale
        ? []
        : boundaries.map(at => ({
            poolId: s.id,
            at: new Date(at).toISOString(),
            target: s.target,
            warmReady: s.warmReady,
            warmPending: s.warmPending,
            assigned: s.assigned,
            ...tracker.activity(s.id, at - intervalMs, at),
          })),
    );
  }

  /** Stores the points due; returns how many. */
  async record(): Promise<number> {
    const nowMs = this.now();
    const intervalMs = this.options.intervalSeconds * 1000;
    const points = this.points(nowMs);
    await this.options.store.addPoints(points);
    this.lastAt = Math.floor(nowMs / intervalMs) * intervalMs;
    return points.length;
  }
}
