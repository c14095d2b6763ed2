import { randomUUID } from 'node:crypto';
import os from 'node:os';
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
  /** The database's clock (`DatabaseClock.now`), so that every replica means the same intervals. */
  now?: () => number;
  /** This replica's name for the writer's lease; unique per process by default. */
  holder?: string;
}

/**
 * Writes one point per pool per interval, run by a `local` scheduler task in every backend replica, of which
 * one writes at a time.
 *
 * A point's sessions are the arrivals in its interval, `(start − interval, start]`, as this replica's watch
 * delivered them; another replica may see the same session a moment later, in the next interval. Points of two
 * replicas side by side could so count a session twice or not at all, so one replica writes, under a lease
 * that expires by the database's clock (three intervals, at least 30 s): its points are one consistent view.
 * When it dies another takes over from where the stored history ends. The table's key is (pool, at) and
 * writes are insert-or-ignore, so an overlap at a takeover leaves no duplicate. A `global` task would also
 * elect one writer, but its DB-lock polling (5 s) would shift a 10 s cadence by up to half an interval.
 *
 * A run that comes late (a busy event loop, a slow database) also writes the boundaries it missed since its last
 * run, each with its own interval's sessions and the current sizes, so that no session goes uncounted; at most
 * `MAX_BACKFILL` of them, as arrivals are only kept for a while.
 */
export class PoolHistoryRecorder {
  private readonly now: () => number;
  private readonly holder: string;
  private lastAt?: number;
  private writing = false;

  constructor(private readonly options: PoolHistoryRecorderOptions) {
    this.now = options.now ?? Date.now;
    this.holder =
      options.holder ??
      `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
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

  /** Stores the points due when this replica holds (or takes) the writer's lease; returns how many. */
  async record(): Promise<number> {
    const intervalMs = this.options.intervalSeconds * 1000;
    const { store } = this.options;
    if (
      !(await store.claimWriter(this.holder, Math.max(3 * intervalMs, 30_000)))
    ) {
      this.writing = false;
      return 0;
    }
    const nowMs = this.now();
    if (!this.writing) {
      // Taking over: go on from the last stored boundary, within what the backfill can still count.
      this.writing = true;
      const latest = await store.latestPointMs();
      const oldest =
        Math.floor(nowMs / intervalMs) * intervalMs - MAX_BACKFILL * intervalMs;
      this.lastAt =
        latest !== undefined && latest >= oldest ? latest : undefined;
    }
    const points = this.points(nowMs);
    await this.options.store.addPoints(points);
    this.lastAt = Math.floor(nowMs / intervalMs) * intervalMs;
    return points.length;
  }

  /** Gives the writer's lease up (at shutdown), so that another replica takes over at its next run. */
  async release(): Promise<void> {
    if (!this.writing) return;
    this.writing = false;
    await this.options.store.releaseWriter(this.holder);
  }
}
