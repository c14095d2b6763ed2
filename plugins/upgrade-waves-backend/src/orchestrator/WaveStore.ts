import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  canTransitionCluster,
  canTransitionWave,
  CheckResult,
  ClusterStatus,
  MetricSnapshot,
  TERMINAL_WAVE_STATUSES,
  ValidationThresholds,
  Wave,
  WaveCluster,
  WaveAttention,
  WaveDecision,
  WaveDetail,
  WaveFailure,
  WaveEvent,
  WaveMergeRequest,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { Knex } from 'knex';
import { normalizeUserRef } from '@fleetdeck/backend-common';
import { DatabaseClock } from '../database/dbClock';
import type { WaveEffect } from './effects';

const WAVES = 'upgrade_waves_waves';
const CLUSTERS = 'upgrade_waves_wave_clusters';
const MERGE_REQUESTS = 'upgrade_waves_merge_requests';
const CHECKS = 'upgrade_waves_checks';
const EVENTS = 'upgrade_waves_events';
const STEPS = 'upgrade_waves_steps';
const OUTBOX = 'upgrade_waves_outbox';

/** The wave is no longer in the state a transition expected: someone (a person, another step) changed it first. */
export class WaveChangedError extends ConflictError {}

/** This replica no longer holds the claim it drives the wave under (expired, or taken over): it must stop. */
export class LeaseLostError extends ConflictError {}

/** An effect waiting in the outbox. */
export interface PendingEffect {
  id: number;
  waveId: string;
  effect: WaveEffect;
  attempts: number;
}

/** A wave as the orchestrator needs it: the public fields plus the restart stamps. */
export interface StoredWave extends Wave {
  upgradeStamp?: string;
  rollbackStamp?: string;
  /** The kind of merge request being opened in GitLab and not yet recorded. */
  opening?: 'upgrade' | 'rollback';
}

export interface NewWave {
  id: string;
  batchId: string;
  targetVersion: string;
  previousVersion: string;
  createdBy: string;
  soakSeconds: number;
  orderOverridden: boolean;
  thresholds: ValidationThresholds;
  clusters: Array<{ clusterId: string; name: string }>;
  reason?: string;
}

export type NewEvent = Omit<WaveEvent, 'id' | 'waveId' | 'at'>;

export interface ClusterChange {
  clusterId: string;
  status?: ClusterStatus;
  baseline?: MetricSnapshot;
  latest?: MetricSnapshot;
  restart?: { done: number; total: number };
  message?: string;
}

/** Everything one transition writes, in one transaction. */
export interface Transition {
  /** The status the wave must still be in; the transition fails with a ConflictError otherwise. */
  expect: WaveStatus;
  status?: WaveStatus;
  decision?: WaveDecision;
  soakEndsAt?: string;
  upgradeStamp?: string;
  rollbackStamp?: string;
  reason?: string;
  clusters?: ClusterChange[];
  mergeRequests?: WaveMergeRequest[];
  checks?: CheckResult[];
  events: NewEvent[];
  /** A side-effecting step this transition records as done; recording it twice fails. */
  step?: string;
  /**
   * The claim the orchestrator drives the wave under: the transition commits only while `owner` still holds an
   * unexpired claim (on the database's clock), so a replica that lost it can change nothing (fencing).
   */
  fence?: string;
  /** The transition needs an approval by someone other than the starter (unless self-approval is allowed). */
  requireApproval?: { allowSelfApproval: boolean };
  /** Why the wave stops for a person (NEEDS_ATTENTION); cleared by any transition to another status. */
  attention?: WaveAttention;
  /** Set while a merge request is being opened in GitLab (before it is recorded); null clears it. */
  opening?: 'upgrade' | 'rollback' | null;
  /** Side effects carried out after the commit, with retry (registry updates, notifications). */
  effects?: WaveEffect[];
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parse<T>(value: string | null | undefined): T | undefined {
  return value ? (JSON.parse(value) as T) : undefined;
}

function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

/** SQL for waves: one transaction per transition, each with its event rows (the audit log). */
export class WaveStore {
  private readonly clock: DatabaseClock;

  constructor(private readonly knex: Knex) {
    this.clock = new DatabaseClock(knex);
  }

  /** The database's time, in epoch milliseconds: the one clock soaks, timeouts and leases are judged on. */
  now(): Promise<number> {
    return this.clock.now();
  }

  async create(wave: NewWave, event: NewEvent): Promise<StoredWave> {
    const now = new Date().toISOString();
    try {
      await this.knex.transaction(async tx => {
        await tx(WAVES).insert({
          id: wave.id,
          batch_id: wave.batchId,
          active_batch_id: wave.batchId,
          target_version: wave.targetVersion,
          previous_version: wave.previousVersion,
          status: 'PRE_CHECKS',
          paused: false,
          created_by: wave.createdBy,
          created_at: now,
          updated_at: now,
          soak_seconds: wave.soakSeconds,
          order_overridden: wave.orderOverridden,
          thresholds: JSON.stringify(wave.thresholds),
          reason: wave.reason ?? null,
        });
        if (wave.clusters.length) {
          await tx(CLUSTERS).insert(
            wave.clusters.map(c => ({
              wave_id: wave.id,
              cluster_id: c.clusterId,
              name: c.name,
              status: 'PENDING',
              status_since: now,
            })),
          );
        }
        await this.insertEvents(tx, wave.id, [event], now);
      });
    } catch (error) {
      if (await this.activeWaveOf(wave.batchId)) {
        throw new ConflictError(
          `batch ${wave.batchId} already has an active wave`,
        );
      }
      throw error;
    }
    return (await this.get(wave.id))!;
  }

  async activeWaveOf(batchId: string): Promise<StoredWave | undefined> {
    const row = await this.knex(WAVES)
      .where({ active_batch_id: batchId })
      .first();
    return row
      ? this.toWave(row, await this.mergeRequests([row.id]))
      : undefined;
  }

  async get(waveId: string): Promise<StoredWave | undefined> {
    const row = await this.knex(WAVES).where({ id: waveId }).first();
    return row
      ? this.toWave(row, await this.mergeRequests([waveId]))
      : undefined;
  }

  async getOrThrow(waveId: string): Promise<StoredWave> {
    const wave = await this.get(waveId);
    if (!wave) throw new NotFoundError(`no wave ${waveId}`);
    return wave;
  }

  async list(
    filter: { batchId?: string; clusterId?: string; active?: boolean } = {},
  ): Promise<StoredWave[]> {
    const query = this.knex(WAVES).orderBy('created_at', 'desc');
    if (filter.batchId) query.where({ batch_id: filter.batchId });
    if (filter.clusterId) {
      query.whereIn(
        'id',
        this.knex(CLUSTERS)
          .select('wave_id')
          .where({ cluster_id: filter.clusterId }),
      );
    }
    if (filter.active) query.whereNotIn('status', [...TERMINAL_WAVE_STATUSES]);
    const rows = await query;
    const mrs = await this.mergeRequests(rows.map(r => r.id));
    return rows.map(r => this.toWave(r, mrs));
  }

  /**
   * Waves the orchestrator still has work on: active ones; finished ones whose merge request may be open or being
   * opened (after a cancel); and any with effects still in the outbox.
   */
  async listWork(): Promise<StoredWave[]> {
    const rows = await this.knex(WAVES)
      .whereNotIn('status', [...TERMINAL_WAVE_STATUSES])
      .orWhereNotNull('active_batch_id')
      .orWhereNotNull('opening')
      .orWhereIn(
        'id',
        this.knex(MERGE_REQUESTS).select('wave_id').where({ state: 'opened' }),
      )
      .orWhereIn('id', this.knex(OUTBOX).select('wave_id').whereNull('done_at'))
      .orderBy('created_at');
    const mrs = await this.mergeRequests(rows.map(r => r.id));
    return rows.map(r => this.toWave(r, mrs));
  }

  /**
   * Claims a wave for `owner` for `leaseMs`, or renews the claim it already holds. False when another replica
   * holds an unexpired claim: one replica at a time drives a wave, and a dead one's claim simply runs out.
   */
  async claim(
    waveId: string,
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    // On the database's clock: a replica whose own clock runs ahead can't take a claim early.
    const now = this.clock.at();
    const updated = await this.knex(WAVES)
      .where({ id: waveId })
      .andWhere(q =>
        q
          .whereNull('lease_owner')
          .orWhere({ lease_owner: owner })
          .orWhere('lease_expires_at', '<', now),
      )
      .update({
        lease_owner: owner,
        lease_expires_at: this.clock.at(leaseMs),
      });
    return updated === 1;
  }

  /** Gives up `owner`'s claim on a wave, if it still holds it. */
  async release(waveId: string, owner: string): Promise<void> {
    await this.knex(WAVES)
      .where({ id: waveId, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async clusters(waveId: string): Promise<WaveCluster[]> {
    const rows = await this.knex(CLUSTERS)
      .where({ wave_id: waveId })
      .orderBy('name');
    return rows.map(r => ({
      clusterId: r.cluster_id,
      name: r.name,
      status: r.status,
      statusSince: r.status_since,
      baseline: parse(r.baseline),
      latest: parse(r.latest),
      restart:
        r.restart_total === null || r.restart_total === undefined
          ? undefined
          : { done: r.restart_done ?? 0, total: r.restart_total },
      message: r.message ?? undefined,
    }));
  }

  async detail(waveId: string): Promise<WaveDetail> {
    const wave = await this.getOrThrow(waveId);
    const [clusters, checkRows, eventRows] = await Promise.all([
      this.clusters(waveId),
      this.knex(CHECKS).where({ wave_id: waveId }).orderBy('id'),
      this.knex(EVENTS).where({ wave_id: waveId }).orderBy('id'),
    ]);
    const { upgradeStamp: _u, rollbackStamp: _r, opening: _o, ...pub } = wave;
    return {
      ...pub,
      clusters,
      checks: checkRows.map(r => ({
        clusterId: r.cluster_id,
        check: r.check,
        phase: r.phase,
        outcome: r.outcome,
        message: r.message,
        detail: parse(r.detail),
        durationMs: r.duration_ms,
        at: r.at,
      })),
      events: eventRows.map(r => this.toEvent(r)),
    };
  }

  async events(waveId: string): Promise<WaveEvent[]> {
    const rows = await this.knex(EVENTS)
      .where({ wave_id: waveId })
      .orderBy('id');
    return rows.map(r => this.toEvent(r));
  }

  async steps(waveId: string): Promise<string[]> {
    const rows = await this.knex(STEPS)
      .where({ wave_id: waveId })
      .orderBy('done_at');
    return rows.map(r => r.step);
  }

  /** Sets or clears the pause flag; no status change, so a step in flight is not disturbed. */
  async setPaused(
    waveId: string,
    paused: boolean,
    allowedIn: WaveStatus[],
    event: NewEvent,
  ): Promise<StoredWave> {
    await this.knex.transaction(async tx => {
      const row = await tx(WAVES).where({ id: waveId }).forUpdate().first();
      if (!row) throw new NotFoundError(`no wave ${waveId}`);
      if (!allowedIn.includes(row.status)) {
        throw new ConflictError(
          `wave ${waveId} is ${row.status}; it can be ${
            paused ? 'paused' : 'resumed'
          } only in ${allowedIn.join(', ')}`,
        );
      }
      if (bool(row.paused) === paused) {
        throw new ConflictError(
          `wave ${waveId} is already ${paused ? 'paused' : 'running'}`,
        );
      }
      const now = new Date().toISOString();
      await tx(WAVES).where({ id: waveId }).update({ paused, updated_at: now });
      await this.insertEvents(tx, waveId, [event], now);
    });
    return this.getOrThrow(waveId);
  }

  /** Progress of a restart, without an event (the transition that ends the restart writes one). */
  async setRestartProgress(
    waveId: string,
    clusterId: string,
    done: number,
    total: number,
  ): Promise<void> {
    await this.knex(CLUSTERS)
      .where({ wave_id: waveId, cluster_id: clusterId })
      .update({ restart_done: done, restart_total: total });
  }

  /**
   * Applies one transition atomically: the wave must still be in `expect`, every cluster change must follow the
   * transition table, and the step (if any) must not have been recorded before.
   */
  async transition(waveId: string, t: Transition): Promise<StoredWave> {
    const now = new Date().toISOString();
    await this.knex.transaction(async tx => {
      const row = await tx(WAVES).where({ id: waveId }).forUpdate().first();
      if (!row) throw new NotFoundError(`no wave ${waveId}`);
      if (t.fence !== undefined) await this.checkFence(tx, row, t.fence);
      if (row.status !== t.expect) {
        throw new WaveChangedError(
          `wave ${waveId} is ${row.status}, not ${t.expect}`,
        );
      }
      if (t.status && t.status !== row.status) {
        if (!canTransitionWave(row.status, t.status)) {
          throw new ConflictError(
            `wave ${waveId} cannot go from ${row.status} to ${t.status}`,
          );
        }
      }
      if (t.requireApproval) {
        const decision = parse<WaveDecision>(row.decision);
        if (decision?.decision !== 'approved') {
          throw new WaveChangedError(`wave ${waveId} is not approved`);
        }
        if (
          !t.requireApproval.allowSelfApproval &&
          normalizeUserRef(decision.by) === normalizeUserRef(row.created_by)
        ) {
          throw new WaveChangedError(
            `wave ${waveId} was approved by the person who started it (four-eyes)`,
          );
        }
      }
      if (t.step) {
        const done = await tx(STEPS)
          .where({ wave_id: waveId, step: t.step })
          .first();
        if (done) {
          throw new ConflictError(
            `step ${t.step} of wave ${waveId} is already done`,
          );
        }
        await tx(STEPS).insert({ wave_id: waveId, step: t.step, done_at: now });
      }
      const update: Record<string, unknown> = { updated_at: now };
      if (t.status) {
        update.status = t.status;
        if (t.status !== 'NEEDS_ATTENTION') update.attention = null;
      }
      if (t.attention) update.attention = JSON.stringify(t.attention);
      if (t.opening !== undefined) update.opening = t.opening;
      if (t.decision) update.decision = JSON.stringify(t.decision);
      if (t.soakEndsAt) update.soak_ends_at = t.soakEndsAt;
      if (t.upgradeStamp) update.upgrade_stamp = t.upgradeStamp;
      if (t.rollbackStamp) update.rollback_stamp = t.rollbackStamp;
      if (t.reason !== undefined) update.reason = t.reason;
      const updated = await tx(WAVES)
        .where({ id: waveId, status: t.expect })
        .update(update);
      if (updated !== 1) {
        throw new WaveChangedError(`wave ${waveId} changed meanwhile`);
      }
      for (const change of t.clusters ?? []) {
        await this.applyClusterChange(tx, waveId, change, now);
      }
      for (const mr of t.mergeRequests ?? []) {
        const values = {
          iid: mr.iid,
          web_url: mr.webUrl,
          branch: mr.branch,
          title: mr.title,
          state: mr.state,
          diff: json(mr.diff),
        };
        const key = { wave_id: waveId, kind: mr.kind, project: mr.project };
        const existing = await tx(MERGE_REQUESTS).where(key).first();
        if (existing) await tx(MERGE_REQUESTS).where(key).update(values);
        else await tx(MERGE_REQUESTS).insert({ ...key, ...values });
      }
      if (t.checks?.length) {
        await tx(CHECKS).insert(
          t.checks.map(c => ({
            wave_id: waveId,
            cluster_id: c.clusterId,
            check: c.check,
            phase: c.phase,
            outcome: c.outcome,
            message: c.message,
            detail: json(c.detail),
            duration_ms: Math.round(c.durationMs),
            at: c.at,
          })),
        );
      }
      await this.insertEvents(tx, waveId, t.events, now);
      if (t.effects?.length) {
        await tx(OUTBOX).insert(
          t.effects.map(effect => ({
            wave_id: waveId,
            effect: JSON.stringify(effect),
            created_at: now,
          })),
        );
      }
      await this.holdBatchWhileBusy(tx, waveId);
    });
    return this.getOrThrow(waveId);
  }

  /**
   * A batch stays busy (no new wave may start on it) while its wave is active, and also after the wave ended while
   * a merge request of it is open or being opened (a cancelled wave whose MR someone merges in GitLab must still be
   * able to roll back), or while effects of it wait in the outbox (a late registry update of an old wave must not
   * land over a newer wave's).
   */
  private async holdBatchWhileBusy(tx: Knex.Transaction, waveId: string) {
    const row = await tx(WAVES).where({ id: waveId }).first();
    let busy = !TERMINAL_WAVE_STATUSES.includes(row.status) || !!row.opening;
    if (!busy) {
      busy = !!(await tx(MERGE_REQUESTS)
        .where({ wave_id: waveId, state: 'opened' })
        .first());
    }
    if (!busy) {
      busy = !!(await tx(OUTBOX)
        .where({ wave_id: waveId })
        .whereNull('done_at')
        .first());
    }
    const active = busy ? row.batch_id : null;
    if ((row.active_batch_id ?? null) !== active) {
      await tx(WAVES).where({ id: waveId }).update({ active_batch_id: active });
    }
  }

  /** Frees the wave's batch if nothing holds it any more (see holdBatchWhileBusy). */
  async releaseBatchIfIdle(waveId: string): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx(WAVES).where({ id: waveId }).forUpdate().first();
      await this.holdBatchWhileBusy(tx, waveId);
    });
  }

  private async checkFence(tx: Knex.Transaction, row: any, owner: string) {
    const [{ now }] = await tx
      .select({ now: this.clock.at() })
      .from(tx.raw('(select 1) as one'));
    if (row.lease_owner !== owner || !(row.lease_expires_at > now)) {
      throw new LeaseLostError(
        `this replica no longer holds wave ${row.id} (held by ${
          row.lease_owner ?? 'nobody'
        } until ${row.lease_expires_at ?? '-'})`,
      );
    }
  }

  /** Whether some wave has recorded this merge request as its own. */
  async isRecorded(project: string, iid: number): Promise<boolean> {
    return !!(await this.knex(MERGE_REQUESTS).where({ project, iid }).first());
  }

  /** Records (or clears, with undefined) the failure of a step that will be tried again. */
  async recordFailure(
    waveId: string,
    failure: WaveFailure | undefined,
  ): Promise<void> {
    await this.knex(WAVES)
      .where({ id: waveId })
      .update({ last_failure: failure ? JSON.stringify(failure) : null });
  }

  /** The wave's effects not yet carried out, oldest first. */
  async pendingEffects(waveId: string): Promise<PendingEffect[]> {
    const rows = await this.knex(OUTBOX)
      .where({ wave_id: waveId })
      .whereNull('done_at')
      .orderBy('id');
    return rows.map(r => ({
      id: r.id,
      waveId: r.wave_id,
      effect: JSON.parse(r.effect),
      attempts: r.attempts,
    }));
  }

  async effectDone(id: number): Promise<void> {
    await this.knex.transaction(async tx => {
      const row = await tx(OUTBOX).where({ id }).first();
      if (!row) return;
      // the wave's row first, as transitions lock it: whichever commits second sees what the other did
      await tx(WAVES).where({ id: row.wave_id }).forUpdate().first();
      await tx(OUTBOX)
        .where({ id })
        .update({ done_at: new Date().toISOString() });
      await this.holdBatchWhileBusy(tx, row.wave_id);
    });
  }

  async effectFailed(id: number, error: string): Promise<void> {
    await this.knex(OUTBOX)
      .where({ id })
      .update({
        attempts: this.knex.raw('attempts + 1'),
        last_error: error.slice(0, 2000),
      });
  }

  private async applyClusterChange(
    tx: Knex.Transaction,
    waveId: string,
    change: ClusterChange,
    now: string,
  ) {
    const key = { wave_id: waveId, cluster_id: change.clusterId };
    const row = await tx(CLUSTERS).where(key).first();
    if (!row) {
      throw new NotFoundError(
        `cluster ${change.clusterId} is not part of wave ${waveId}`,
      );
    }
    const update: Record<string, unknown> = {};
    if (change.status && change.status !== row.status) {
      if (!canTransitionCluster(row.status, change.status)) {
        throw new ConflictError(
          `cluster ${change.clusterId} cannot go from ${row.status} to ${change.status}`,
        );
      }
      update.status = change.status;
      update.status_since = now;
    }
    if (change.baseline) update.baseline = JSON.stringify(change.baseline);
    if (change.latest) update.latest = JSON.stringify(change.latest);
    if (change.restart) {
      update.restart_done = change.restart.done;
      update.restart_total = change.restart.total;
    }
    if (change.message !== undefined) update.message = change.message;
    if (Object.keys(update).length)
      await tx(CLUSTERS).where(key).update(update);
  }

  private async insertEvents(
    tx: Knex.Transaction | Knex,
    waveId: string,
    events: NewEvent[],
    at: string,
  ) {
    if (!events.length) return;
    await tx(EVENTS).insert(
      events.map(e => ({
        wave_id: waveId,
        cluster_id: e.clusterId ?? null,
        type: e.type,
        from: e.from ?? null,
        to: e.to ?? null,
        actor: e.actor,
        message: e.message,
        links: json(e.links),
        at,
      })),
    );
  }

  private async mergeRequests(
    waveIds: string[],
  ): Promise<Map<string, WaveMergeRequest[]>> {
    const byWave = new Map<string, WaveMergeRequest[]>();
    if (!waveIds.length) return byWave;
    const rows = await this.knex(MERGE_REQUESTS)
      .whereIn('wave_id', waveIds)
      .orderBy(['kind', 'project']);
    for (const r of rows) {
      const list = byWave.get(r.wave_id) ?? [];
      list.push({
        kind: r.kind,
        project: r.project,
        iid: r.iid,
        webUrl: r.web_url,
        branch: r.branch,
        title: r.title,
        state: r.state,
        diff: parse(r.diff),
      });
      byWave.set(r.wave_id, list);
    }
    return byWave;
  }

  private toWave(row: any, mrs: Map<string, WaveMergeRequest[]>): StoredWave {
    return {
      id: row.id,
      batchId: row.batch_id,
      targetVersion: row.target_version,
      previousVersion: row.previous_version,
      status: row.status,
      paused: bool(row.paused),
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      soakSeconds: row.soak_seconds,
      orderOverridden: bool(row.order_overridden),
      thresholds: JSON.parse(row.thresholds),
      mergeRequests: mrs.get(row.id) ?? [],
      decision: parse(row.decision),
      soakEndsAt: row.soak_ends_at ?? undefined,
      reason: row.reason ?? undefined,
      attention: parse(row.attention),
      lastFailure: parse(row.last_failure),
      upgradeStamp: row.upgrade_stamp ?? undefined,
      rollbackStamp: row.rollback_stamp ?? undefined,
      opening: row.opening ?? undefined,
    };
  }

  private toEvent(r: any): WaveEvent {
    return {
      id: r.id,
      waveId: r.wave_id,
      clusterId: r.cluster_id ?? undefined,
      type: r.type,
      from: r.from ?? undefined,
      to: r.to ?? undefined,
      actor: r.actor,
      message: r.message,
      links: parse(r.links),
      at: r.at,
    };
  }
}
