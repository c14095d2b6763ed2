import type {
  PoolHistoryPoint,
  PoolId,
} from '@fleetdeck/plugin-warm-pools-common';
import { Knex } from 'knex';
import { dbNowMsSql } from './DatabaseClock';

const HISTORY = 'warm_pools_history';
const WRITER = 'warm_pools_history_writer';
/** Rows per INSERT, well inside SQLite's limit of bound variables. */
const INSERT_CHUNK = 50;

interface HistoryRow {
  pool_id: string;
  at_ms: number | string;
  target: number | null;
  warm_ready: number;
  warm_pending: number;
  assigned: number;
  sessions_started: number;
  on_demand_sessions: number;
  empty_events: number;
}

/** A point to store: `at` is an interval boundary; its sessions are those of the interval ending there. */
export interface StoredPoint extends PoolHistoryPoint {
  poolId: PoolId;
}

/** Averages keep two decimals: enough for a chart, and stable across databases. */
function round2(value: unknown): number {
  return Math.round(Number(value) * 100) / 100;
}

/** SQL for the pools' time series. */
export class PoolHistoryStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Writes points; a point whose pool and interval are already stored (by another backend replica) is skipped,
   * so replicas sampling the same interval leave one row.
   */
  async addPoints(points: StoredPoint[]): Promise<void> {
    const rows: HistoryRow[] = points.map(p => ({
      pool_id: p.poolId,
      at_ms: Date.parse(p.at),
      target: p.target ?? null,
      warm_ready: p.warmReady,
      warm_pending: p.warmPending,
      assigned: p.assigned,
      sessions_started: p.sessionsStarted,
      on_demand_sessions: p.onDemandSessions,
      empty_events: p.emptyEvents,
    }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await this.knex(HISTORY)
        .insert(rows.slice(i, i + INSERT_CHUNK))
        .onConflict(['pool_id', 'at_ms'])
        .ignore();
    }
  }

  /**
   * The points of a pool with `fromMs <= at <= toMs`, oldest first, one per step of `stepSeconds` (steps start
   * at multiples of the step since the epoch): the pool's sizes averaged over the step, its sessions and empty
   * moments summed. With the step equal to the recording interval each stored point is its own step.
   */
  async points(
    poolId: PoolId,
    range: { fromMs: number; toMs: number; stepSeconds: number },
  ): Promise<PoolHistoryPoint[]> {
    const stepMs = range.stepSeconds * 1000;
    if (!Number.isSafeInteger(stepMs) || stepMs <= 0) {
      throw new RangeError(`step must be a positive whole number of seconds`);
    }
    // The step is a number the service computed, checked above, so it is written into the SQL: both
    // databases then divide two integers as integers, which a bound parameter's type would not guarantee.
    const bucket = `(at_ms / ${stepMs})`;
    const rows = await this.knex(HISTORY)
      .select(
        this.knex.raw(`${bucket} as bucket`),
        this.knex.raw('avg(target) as target'),
        this.knex.raw('avg(warm_ready) as warm_ready'),
        this.knex.raw('avg(warm_pending) as warm_pending'),
        this.knex.raw('avg(assigned) as assigned'),
        this.knex.raw('sum(sessions_started) as sessions_started'),
        this.knex.raw('sum(on_demand_sessions) as on_demand_sessions'),
        this.knex.raw('sum(empty_events) as empty_events'),
      )
      .where('pool_id', poolId)
      .andWhere('at_ms', '>=', range.fromMs)
      .andWhere('at_ms', '<=', range.toMs)
      .groupByRaw(bucket)
      .orderByRaw(bucket);
    return rows.map(r => ({
      at: new Date(Number(r.bucket) * stepMs).toISOString(),
      target:
        r.target === null || r.target === undefined
          ? undefined
          : round2(r.target),
      warmReady: round2(r.warm_ready),
      warmPending: round2(r.warm_pending),
      assigned: round2(r.assigned),
      sessionsStarted: Number(r.sessions_started),
      onDemandSessions: Number(r.on_demand_sessions),
      emptyEvents: Number(r.empty_events),
    }));
  }

  /** Whether any point of the pool is stored (its history outlives its pods). */
  async hasPool(poolId: PoolId): Promise<boolean> {
    const row = await this.knex(HISTORY)
      .select('pool_id')
      .where('pool_id', poolId)
      .first();
    return row !== undefined;
  }

  /** Deletes the points older than `retentionMs` by the database's clock; returns how many. */
  async prune(retentionMs: number): Promise<number> {
    return this.knex(HISTORY)
      .whereRaw(`at_ms < ${dbNowMsSql(this.knex)} - ?`, [
        Math.round(retentionMs),
      ])
      .delete();
  }

  /**
   * Takes or renews the lease of the history writer for `ttlMs` of database time, in one conditional statement:
   * granted when nobody holds it, `holder` already does, or the holder's lease has expired. Whether granted.
   */
  async claimWriter(holder: string, ttlMs: number): Promise<boolean> {
    const now = dbNowMsSql(this.knex);
    // A skipped update returns no row, on both databases: granted exactly when a row comes back.
    const result = await this.knex.raw(
      `insert into ${WRITER} (name, holder, expires_at_ms) values ('history', ?, ${now} + ?)
       on conflict (name) do update set holder = excluded.holder, expires_at_ms = excluded.expires_at_ms
       where ${WRITER}.holder = excluded.holder or ${WRITER}.expires_at_ms < ${now}
       returning holder`,
      [holder, Math.round(ttlMs)],
    );
    const rows: Array<{ holder: string }> = Array.isArray(result)
      ? result
      : result.rows;
    return rows.length === 1 && rows[0].holder === holder;
  }

  /** Gives the lease up (a replica shutting down), so that another takes over at its next run. */
  async releaseWriter(holder: string): Promise<void> {
    await this.knex(WRITER).where({ name: 'history', holder }).delete();
  }

  /** The newest interval boundary stored for any pool: where a new writer takes over from. */
  async latestPointMs(): Promise<number | undefined> {
    const row = await this.knex(HISTORY).max({ at: 'at_ms' }).first();
    const at = (row as { at?: number | string | null } | undefined)?.at;
    return at === null || at === undefined ? undefined : Number(at);
  }
}
