import type {
  FailoverPhaseMark,
  FailoverRecord,
  LagSample,
} from '@fleetdeck/plugin-sentinel-common';
import { Knex } from 'knex';
import {
  mergeFailovers,
  orderPhases,
  StoredFailover,
  withDuration,
} from '../failover/merge';

const FAILOVERS = 'sentinel_failovers';
const LAG = 'sentinel_lag_samples';

interface FailoverRow {
  id: string;
  group_name: string;
  master_name: string;
  old_master: string;
  new_master: string | null;
  epoch: number | string;
  status: FailoverRecord['status'];
  trigger_type: FailoverRecord['trigger'];
  triggered_by: string | null;
  reason: string | null;
  started_at: string;
  ended_at: string | null;
  phases: string;
  updated_at: string;
}

function toRow(record: StoredFailover): FailoverRow {
  const phases: Record<string, { at: string; sentinel: string }> = {};
  for (const mark of record.phases) {
    phases[mark.phase] = { at: mark.at, sentinel: mark.sentinel };
  }
  return {
    id: record.id,
    group_name: record.group,
    master_name: record.masterName,
    old_master: record.oldMaster,
    new_master: record.newMaster ?? null,
    epoch: record.epoch,
    status: record.status,
    trigger_type: record.trigger,
    triggered_by: record.triggeredBy ?? null,
    reason: record.reason ?? null,
    started_at: record.startedAt,
    ended_at: record.endedAt ?? null,
    phases: JSON.stringify(phases),
    updated_at: new Date().toISOString(),
  };
}

function fromRow(row: FailoverRow): StoredFailover {
  const phases = JSON.parse(row.phases) as Record<
    string,
    { at: string; sentinel: string }
  >;
  return withDuration({
    id: row.id,
    group: row.group_name,
    masterName: row.master_name,
    oldMaster: row.old_master,
    newMaster: row.new_master ?? undefined,
    epoch: Number(row.epoch),
    status: row.status,
    trigger: row.trigger_type,
    triggeredBy: row.triggered_by ?? undefined,
    reason: row.reason ?? undefined,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    phases: orderPhases(
      Object.entries(phases).map(
        ([phase, mark]) => ({ phase, ...mark } as FailoverPhaseMark),
      ),
    ),
  });
}

function publicRecord({
  epoch: _epoch,
  ...record
}: StoredFailover): FailoverRecord {
  return record;
}

/** SQL for failover records and the lag time series. */
export class SentinelStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Writes a failover, merged with what is stored for the same group, old master and epoch. Idempotent: the
   * row is locked while merging, so backend replicas recording the same failover at once end with one row
   * holding what both saw.
   */
  async saveFailover(record: StoredFailover): Promise<StoredFailover> {
    const row = toRow(record);
    const key = {
      group_name: row.group_name,
      old_master: row.old_master,
      epoch: row.epoch,
    };
    return this.knex.transaction(async tx => {
      await tx(FAILOVERS)
        .insert(row)
        .onConflict(['group_name', 'old_master', 'epoch'])
        .ignore();
      const query = tx<FailoverRow>(FAILOVERS).where(key).first();
      // SQLite has one writer at a time; FOR UPDATE is PostgreSQL's way to get there for this row.
      if (this.knex.client.config.client === 'pg') query.forUpdate();
      const stored = fromRow((await query)!);
      const merged = mergeFailovers(stored, record);
      const next = toRow(merged);
      const { updated_at: _a, ...nextFields } = next;
      const { updated_at: _b, ...storedFields } = toRow(stored);
      if (JSON.stringify(nextFields) !== JSON.stringify(storedFields)) {
        await tx(FAILOVERS).where({ id: stored.id }).update(next);
      }
      return merged;
    });
  }

  async listFailovers(group: string, limit: number): Promise<FailoverRecord[]> {
    const rows = await this.knex<FailoverRow>(FAILOVERS)
      .where({ group_name: group })
      .orderBy('started_at', 'desc')
      .limit(limit);
    return rows.map(row => publicRecord(fromRow(row)));
  }

  async getFailover(id: string): Promise<FailoverRecord | undefined> {
    const row = await this.knex<FailoverRow>(FAILOVERS).where({ id }).first();
    return row ? publicRecord(fromRow(row)) : undefined;
  }

  /** Samples whose interval is already stored (by another backend replica) are skipped. */
  async addLagSamples(group: string, samples: LagSample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.knex(LAG)
      .insert(
        samples.map(s => ({
          group_name: group,
          replica: s.replica,
          at: s.at,
          lag_bytes: Math.round(s.lagBytes),
          lag_seconds: s.lagSeconds,
        })),
      )
      .onConflict(['group_name', 'replica', 'at'])
      .ignore();
  }

  /** Samples between `from` and `to` (inclusive), oldest first; the newest `limit` when there are more. */
  async lagHistory(
    group: string,
    range: { from: string; to: string; limit: number },
  ): Promise<LagSample[]> {
    const rows = await this.knex(LAG)
      .where({ group_name: group })
      .andWhere('at', '>=', range.from)
      .andWhere('at', '<=', range.to)
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'replica', order: 'asc' },
      ])
      .limit(range.limit);
    return rows
      .map(r => ({
        at: r.at as string,
        replica: r.replica as string,
        lagBytes: Number(r.lag_bytes),
        lagSeconds: Number(r.lag_seconds),
      }))
      .sort((a, b) =>
        a.at === b.at
          ? a.replica.localeCompare(b.replica)
          : a.at.localeCompare(b.at),
      );
  }

  /** Deletes samples older than `before`; returns how many. */
  async pruneLag(before: Date): Promise<number> {
    return this.knex(LAG).where('at', '<', before.toISOString()).delete();
  }
}
