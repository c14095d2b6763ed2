import type {
  FailoverPhase,
  FailoverPhaseMark,
  FailoverRecord,
  LagSample,
} from '@fleetdeck/plugin-sentinel-common';
import { ConflictError } from '@backstage/errors';
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
  unobserved_phases: string | null;
  outcome: string | null;
  updated_at: string;
  version?: number | string;
}

/** The transaction lost a race with another replica's write: read again and merge again. */
class WriteRace extends Error {}

const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: string })?.code;
  return code === '23505' || /^SQLITE_CONSTRAINT/.test(code ?? '');
};

/** Attempts of one save against concurrent writers of the same failover before it gives up. */
const SAVE_ATTEMPTS = 8;

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
    unobserved_phases: record.unobservedPhases?.length
      ? JSON.stringify(record.unobservedPhases)
      : null,
    outcome: record.outcome ?? null,
    updated_at: new Date().toISOString(),
  };
}

function fromRow(row: FailoverRow): StoredFailover {
  const phases = JSON.parse(row.phases) as Record<
    string,
    { at: string; sentinel: string }
  >;
  const record: StoredFailover = withDuration({
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
  if (row.unobserved_phases) {
    record.unobservedPhases = JSON.parse(
      row.unobserved_phases,
    ) as FailoverPhase[];
  }
  if (row.outcome) record.outcome = row.outcome;
  return record;
}

/** The fields a merge can change; a write that changes none of them is skipped. */
function sameContent(a: FailoverRow, b: FailoverRow): boolean {
  const { updated_at: _a, version: _av, ...left } = a;
  const { updated_at: _b, version: _bv, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
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
   * Writes a failover, merged with what is stored for the same group and epoch (insert or merge), so that
   * every backend replica and every sentinel's view of one failover end in one row with the union of phases.
   * `supersedes` names earlier epochs of the same failover (a leader that died and a new election): their rows,
   * while in progress, are folded into this one. Every update is conditional on the version it read, so two
   * replicas never overwrite each other's write, and a finished record keeps the status it ended with.
   */
  async saveFailover(
    record: StoredFailover,
    options: { supersedes?: number[] } = {},
  ): Promise<StoredFailover> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.knex.transaction(tx =>
          this.mergeInto(tx, record, options.supersedes ?? []),
        );
      } catch (error) {
        const raced = error instanceof WriteRace || isUniqueViolation(error);
        if (!raced) throw error;
        if (attempt >= SAVE_ATTEMPTS) {
          throw new ConflictError(
            `failover ${record.id} of group ${record.group} kept changing under ${SAVE_ATTEMPTS} attempts to write it`,
          );
        }
      }
    }
  }

  private async mergeInto(
    tx: Knex.Transaction,
    record: StoredFailover,
    supersedes: number[],
  ): Promise<StoredFailover> {
    const epochs = [
      record.epoch,
      ...supersedes.filter(e => e !== record.epoch),
    ];
    const rows = await tx<FailoverRow>(FAILOVERS)
      .where({ group_name: record.group })
      .andWhere(q => q.whereIn('epoch', epochs).orWhere({ id: record.id }))
      .orderBy('epoch', 'asc');
    // Its own epoch's row, or the row it was folded into under a later epoch by a replica that saw more.
    const target =
      rows.find(r => Number(r.epoch) === record.epoch) ??
      rows.find(r => r.id === record.id && Number(r.epoch) > record.epoch);
    // A superseded attempt already ended (aborted, say) is a failover of its own.
    const absorbed = rows.filter(
      r =>
        r !== target &&
        r.status === 'in-progress' &&
        supersedes.includes(Number(r.epoch)),
    );
    const keeper = target ?? absorbed[0];
    if (!keeper) {
      await tx(FAILOVERS).insert({ ...toRow(record), version: 0 });
      return record;
    }
    const epoch = target ? Number(target.epoch) : record.epoch;
    let merged = fromRow(keeper);
    for (const row of absorbed) {
      if (row !== keeper) merged = mergeFailovers(merged, fromRow(row));
    }
    merged = { ...mergeFailovers(merged, record), epoch };
    const next = toRow(merged);
    const version = Number(keeper.version ?? 0);
    if (keeper !== target || !sameContent(next, toRow(fromRow(keeper)))) {
      const updated = await tx(FAILOVERS)
        .where({ id: keeper.id, version })
        .update({ ...next, version: version + 1 });
      if (updated !== 1) throw new WriteRace();
    }
    for (const row of absorbed) {
      if (row === keeper) continue;
      const deleted = await tx(FAILOVERS)
        .where({ id: row.id, version: Number(row.version ?? 0) })
        .delete();
      if (deleted !== 1) throw new WriteRace();
    }
    return merged;
  }

  /** Records of the group not ended yet, as stored by any replica: what a restarted backend reconciles. */
  async listOpenFailovers(group: string): Promise<StoredFailover[]> {
    const rows = await this.knex<FailoverRow>(FAILOVERS)
      .where({ group_name: group, status: 'in-progress' })
      .orderBy('epoch', 'asc');
    return rows.map(fromRow);
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
