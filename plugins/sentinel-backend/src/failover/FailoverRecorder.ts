import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  FailoverPhase,
  FailoverPhaseMark,
  FailoverRecord,
} from '@fleetdeck/plugin-sentinel-common';
import { createHash } from 'node:crypto';
import { masterNameOf, SentinelEvent } from '../monitor/events';
import { orderPhases, StoredFailover, withDuration } from './merge';
import {
  reconcileFailover,
  SentinelMasterView,
  SWITCH_PHASES,
} from './reconcile';

/** Where records go: the store, which merges what several observers saw of one failover. */
export interface FailoverSink {
  /** `supersedes`: earlier epochs of the same failover, whose records are folded into this one. */
  saveFailover(
    record: StoredFailover,
    options?: { supersedes?: number[] },
  ): Promise<StoredFailover>;
}

/** A failover requested through Fleetdeck (`SENTINEL FAILOVER`), waiting for Sentinel to start it. */
export interface ManualTrigger {
  oldMaster: string;
  triggeredBy: string;
  reason: string;
  at: Date;
}

export interface FailoverRecorderOptions {
  group: string;
  masterName: string;
  sink: FailoverSink;
  logger: LoggerService;
  /** A record with no new event for this long is closed. */
  staleAfterMs: number;
  /**
   * A record this recorder follows but heard nothing of for this long is reconciled with the sentinels like
   * one it never followed. Default: `staleAfterMs`.
   */
  reconcileAfterMs?: number;
  /**
   * The master and its config epoch as a sentinel reports them now: the epoch of a failover whose start
   * this recorder missed (it equals the failover epoch once the promoted replica is master).
   */
  currentMaster?: () => Promise<{ address: string; epoch: number } | undefined>;
  /** Called for each phase this recorder sees first, and when a record ends. */
  onChange?: (record: FailoverRecord) => void;
  now?: () => Date;
}

/**
 * The id of a failover first stored under `epoch`: the same for every observer, so backend replicas write the
 * same record. The epoch is what all sentinels and all replicas agree on (the old master's address they may
 * spell differently); a record folded into a later epoch keeps the id it was first stored under.
 */
export function failoverId(group: string, epoch: number): string {
  return createHash('sha256')
    .update(`${group}\n${epoch}`)
    .digest('hex')
    .slice(0, 32);
}

interface OpenFailover {
  oldMaster: string;
  newMaster?: string;
  epoch?: number;
  /** The sentinel that published the latest `+elected-leader`: the one whose abort ends the failover. */
  leader?: string;
  /** Earlier epochs of this failover: attempts of a leader that died, taken over by another sentinel. */
  supersedes: Set<number>;
  /** Taken from the store (another replica, or this one before a restart), and not heard of live since. */
  adopted?: boolean;
  unobservedPhases?: FailoverPhase[];
  outcome?: string;
  elected: boolean;
  phases: Map<FailoverPhase, FailoverPhaseMark>;
  /** Sentinels that consider the master subjectively down; when none do before an election, it was a blip. */
  sdownBy: Set<string>;
  status: FailoverRecord['status'];
  endedAt?: string;
  manual?: ManualTrigger;
  lastEventAt: number;
  /** Seen on a sweep while another node was the master (a stray `+sdown` about a master already replaced). */
  replaced?: boolean;
  writes: Promise<void>;
  written?: string;
  stored?: StoredFailover;
  waiters: Array<(record: FailoverRecord) => void>;
}

/** Sentinel event → failover phase; events about the master unless the phase is about a replica. */
const PHASE_OF: Record<string, FailoverPhase> = {
  '+sdown': 'sdown',
  '+odown': 'odown',
  '+try-failover': 'try-failover',
  '+elected-leader': 'leader-elected',
  '+selected-slave': 'replica-selected',
  '+promoted-slave': 'replica-promoted',
  '+failover-state-reconf-slaves': 'reconf-replicas',
  '+switch-master': 'switch-master',
  '+failover-end': 'failover-end',
};

const RECENT_LIMIT = 20;

/**
 * Merges the events that several sentinels publish about one failover into one record: the first time any
 * of them reported each phase, the old and the new master, and for a failover requested through Fleetdeck,
 * who asked and why. A record is stored once its epoch is known (from the elected leader's `+new-epoch`),
 * under an id derived from group, old master and epoch, so that every backend replica writes the same row.
 */
export class FailoverRecorder {
  private readonly open = new Map<string, OpenFailover>();
  /** Ended records, for the `+switch-master` that sentinels which learn the new configuration late still publish. */
  private readonly recent: OpenFailover[] = [];
  /** The last epoch each sentinel announced (`+new-epoch`, `+vote-for-leader`); they carry no master name. */
  private readonly epochs = new Map<string, number>();
  private pendingManual?: {
    trigger: ManualTrigger;
    waiter: (record: FailoverRecord) => void;
  };
  private readonly now: () => Date;

  constructor(private readonly options: FailoverRecorderOptions) {
    this.now = options.now ?? (() => new Date());
  }

  handle(event: SentinelEvent): void {
    if (event.epoch !== undefined) {
      this.epochs.set(
        event.sentinel,
        Math.max(event.epoch, this.epochs.get(event.sentinel) ?? 0),
      );
      return;
    }
    if (masterNameOf(event) !== this.options.masterName) return;

    if (event.name === '-sdown' && event.instance?.type === 'master') {
      this.masterBack(event);
      return;
    }
    if (event.name.startsWith('-failover-abort')) {
      this.aborted(event);
      return;
    }
    if (event.name === '+failover-end-for-timeout') {
      const record = this.open.get(event.instance?.masterAddress ?? '');
      if (record) {
        record.status = 'timed-out';
        this.touch(record, event);
      }
      return;
    }

    const phase = PHASE_OF[event.name];
    if (!phase) return;
    // sdown, odown, … are phases only when they are about the master itself.
    const aboutReplica =
      phase === 'replica-selected' || phase === 'replica-promoted';
    if (
      phase !== 'switch-master' &&
      event.instance?.type !== (aboutReplica ? 'slave' : 'master')
    ) {
      return;
    }
    const oldMaster = event.switchMaster?.from ?? event.instance?.masterAddress;
    if (!oldMaster) return;

    let record = this.open.get(oldMaster);
    if (!record && (phase === 'switch-master' || phase === 'failover-end')) {
      record = this.recent.find(
        r =>
          r.oldMaster === oldMaster &&
          (phase !== 'switch-master' || r.newMaster === event.switchMaster?.to),
      );
    }
    // A switch or an end with nothing open: a failover whose start this recorder missed, or a sentinel
    // announcing one late. Recorded as far as seen, and not left open to block a manual failover.
    const partial =
      !record && (phase === 'switch-master' || phase === 'failover-end');
    if (!record) {
      record = this.start(oldMaster);
    }
    record.adopted = false;

    if (phase === 'sdown') record.sdownBy.add(event.sentinel);
    if (phase === 'leader-elected') {
      record.elected = true;
      record.leader = event.sentinel;
      const epoch = this.epochs.get(event.sentinel);
      if (record.epoch === undefined) {
        record.epoch = epoch;
      } else if (
        epoch !== undefined &&
        epoch > record.epoch &&
        !record.phases.has('switch-master')
      ) {
        // The leader died (or went silent) and another sentinel took the failover over in a new epoch: still
        // one failover, keyed by its newest epoch, which every watcher learns from this election.
        record.supersedes.add(record.epoch);
        record.epoch = epoch;
      }
    }
    if (phase === 'try-failover' || phase === 'leader-elected') {
      this.attachManual(record);
    }
    if (aboutReplica) record.newMaster = event.instance!.address;
    if (phase === 'switch-master') record.newMaster = event.switchMaster!.to;
    if (phase === 'failover-end') {
      if (record.status === 'in-progress') record.status = 'completed';
      record.endedAt ??= event.at.toISOString();
    }

    const isNew = !record.phases.has(phase);
    if (isNew) {
      record.phases.set(phase, {
        phase,
        at: event.at.toISOString(),
        sentinel: event.sentinel,
      });
    }
    this.touch(record, event);
    if (isNew) this.changed(record);

    if (
      partial ||
      (record.phases.has('failover-end') && record.phases.has('switch-master'))
    ) {
      this.close(record);
    }
    this.save(record);
  }

  /**
   * Notes that Fleetdeck asked Sentinel to fail `oldMaster` over; the record that follows carries who and why.
   * Resolves with that record once it is stored; `cancel` when the request to Sentinel failed.
   */
  expectManual(trigger: ManualTrigger): {
    record: Promise<FailoverRecord>;
    cancel: () => void;
  } {
    let resolve!: (record: FailoverRecord) => void;
    const record = new Promise<FailoverRecord>(r => {
      resolve = r;
    });
    const pending = { trigger, waiter: resolve };
    this.pendingManual = pending;
    // A failover already open for this master (it was started before the request reached Sentinel's timer).
    const open = this.open.get(trigger.oldMaster);
    if (open && (open.phases.has('try-failover') || open.elected)) {
      this.attachManual(open);
    }
    return {
      record,
      cancel: () => {
        if (this.pendingManual === pending) this.pendingManual = undefined;
      },
    };
  }

  /**
   * Periodic housekeeping with the master the sentinels report now: ends records nothing was heard of for
   * `staleAfterMs`, and forgets suspicions about a master that has already been replaced.
   */
  sweep(currentMaster?: string): void {
    const now = this.now().getTime();
    for (const record of [...this.open.values()]) {
      const started = record.elected || record.phases.has('switch-master');
      if (!started) {
        const replaced =
          currentMaster !== undefined && currentMaster !== record.oldMaster;
        if (
          (replaced && record.replaced) ||
          now - record.lastEventAt > this.options.staleAfterMs
        ) {
          this.open.delete(record.oldMaster);
        }
        record.replaced = replaced;
        continue;
      }
      if (now - record.lastEventAt > this.options.staleAfterMs) {
        if (record.status === 'in-progress') {
          record.status = record.phases.has('switch-master')
            ? 'completed'
            : 'timed-out';
        }
        record.endedAt ??= new Date(record.lastEventAt).toISOString();
        this.close(record);
        this.changed(record);
        this.save(record);
      }
    }
  }

  /**
   * Reconciles the stored records not ended yet (`open`, from every replica) with what the sentinels say now:
   * one still running is followed from here on; one that ended while nobody watched is completed or timed out,
   * naming the phases nobody saw and how its end was learnt. Records this recorder follows live are left to
   * their events unless nothing was heard of them for `reconcileAfterMs`.
   */
  async reconcile(
    open: StoredFailover[],
    views: SentinelMasterView[],
  ): Promise<void> {
    const now = this.now();
    const quietFor = this.options.reconcileAfterMs ?? this.options.staleAfterMs;
    for (const stored of open) {
      const local = [...this.open.values()].find(r => r.epoch === stored.epoch);
      if (
        local &&
        !local.adopted &&
        now.getTime() - local.lastEventAt < quietFor
      ) {
        continue;
      }
      const verdict = reconcileFailover(stored, views, {
        now,
        staleAfterMs: this.options.staleAfterMs,
      });
      if (verdict.kind === 'running') {
        if (!local) this.adopt(stored);
        continue;
      }
      if (verdict.kind !== 'finished') continue;
      this.options.logger.info(
        `failover ${stored.id} of group ${this.options.group} (from ${stored.oldMaster}, epoch ${stored.epoch}) reconciled as ${verdict.record.status}: ${verdict.record.outcome}`,
      );
      const target = local ?? this.adopt(stored);
      if (!target) {
        await this.saveReconciled(verdict.record);
        continue;
      }
      target.status = verdict.record.status;
      target.endedAt ??= verdict.record.endedAt;
      target.newMaster ??= verdict.record.newMaster;
      target.unobservedPhases = verdict.record.unobservedPhases;
      target.outcome = verdict.record.outcome;
      this.close(target);
      this.changed(target);
      this.save(target);
      await target.writes;
    }
  }

  private async saveReconciled(record: StoredFailover) {
    try {
      await this.options.sink.saveFailover(record);
    } catch (error) {
      this.options.logger.warn(
        `could not store failover ${record.id} of group ${this.options.group}: ${error}`,
      );
    }
  }

  /**
   * Follows a stored record as if this recorder had seen its phases, so that the events of a failover
   * still under way (after a restart) land in it. Undefined when this recorder already has another
   * failover of the same master open.
   */
  private adopt(stored: StoredFailover): OpenFailover | undefined {
    if (this.open.has(stored.oldMaster)) return undefined;
    const record: OpenFailover = {
      oldMaster: stored.oldMaster,
      newMaster: stored.newMaster,
      epoch: stored.epoch,
      supersedes: new Set(),
      adopted: true,
      elected: true,
      phases: new Map(stored.phases.map(p => [p.phase, p])),
      sdownBy: new Set(),
      status: stored.status,
      endedAt: stored.endedAt,
      manual:
        stored.trigger === 'manual'
          ? {
              oldMaster: stored.oldMaster,
              triggeredBy: stored.triggeredBy ?? 'unknown',
              reason: stored.reason ?? '',
              at: new Date(stored.startedAt),
            }
          : undefined,
      lastEventAt: this.now().getTime(),
      writes: Promise.resolve(),
      stored,
      waiters: [],
    };
    this.open.set(stored.oldMaster, record);
    return record;
  }

  /** Resolves once every write started so far has ended. */
  async flush(): Promise<void> {
    const records = [...this.open.values(), ...this.recent];
    await Promise.all(records.map(r => r.writes));
  }

  /** Records not ended yet, as this recorder sees them. */
  inProgress(): FailoverRecord[] {
    return [...this.open.values()]
      .filter(r => r.elected || r.phases.has('switch-master'))
      .map(r => this.publicView(r));
  }

  private start(oldMaster: string): OpenFailover {
    const record: OpenFailover = {
      oldMaster,
      supersedes: new Set(),
      elected: false,
      phases: new Map(),
      sdownBy: new Set(),
      status: 'in-progress',
      lastEventAt: this.now().getTime(),
      writes: Promise.resolve(),
      waiters: [],
    };
    this.open.set(oldMaster, record);
    return record;
  }

  private touch(record: OpenFailover, event: SentinelEvent) {
    record.lastEventAt = Math.max(record.lastEventAt, event.at.getTime());
  }

  private masterBack(event: SentinelEvent) {
    const record = this.open.get(event.instance!.masterAddress);
    if (!record || record.elected) return;
    record.sdownBy.delete(event.sentinel);
    // Every sentinel that suspected the master sees it again, and none started a failover: not a failover.
    if (record.sdownBy.size === 0 && !record.phases.has('try-failover')) {
      this.open.delete(record.oldMaster);
    }
  }

  private aborted(event: SentinelEvent) {
    const record = this.open.get(event.instance?.masterAddress ?? '');
    // Before an election an abort is a lost vote; Sentinel tries again in a new epoch, under this record. So is
    // an abort by another sentinel than the leader: its own attempt to take over from a leader gone silent.
    if (!record?.elected) return;
    if (record.leader !== undefined && record.leader !== event.sentinel) return;
    record.status = 'timed-out';
    record.endedAt ??= event.at.toISOString();
    this.touch(record, event);
    this.close(record);
    this.changed(record);
    this.save(record);
  }

  private attachManual(record: OpenFailover) {
    const pending = this.pendingManual;
    if (!pending || record.manual) return;
    if (pending.trigger.oldMaster !== record.oldMaster) return;
    record.manual = pending.trigger;
    record.waiters.push(pending.waiter);
    this.pendingManual = undefined;
  }

  private close(record: OpenFailover) {
    if (this.open.get(record.oldMaster) !== record) return;
    this.open.delete(record.oldMaster);
    this.recent.unshift(record);
    this.recent.splice(RECENT_LIMIT);
  }

  private publicView(record: OpenFailover): StoredFailover {
    const phases = orderPhases(record.phases.values());
    const times = [
      ...phases.map(p => p.at),
      ...(record.manual ? [record.manual.at.toISOString()] : []),
    ].sort();
    const epoch = record.epoch ?? -1;
    // A completed failover went through every phase of a switch; the ones this recorder missed are said so.
    const unobserved =
      record.status === 'completed'
        ? SWITCH_PHASES.filter(p => !record.phases.has(p))
        : record.unobservedPhases ?? [];
    return withDuration({
      id:
        record.stored?.id ??
        (record.epoch === undefined
          ? ''
          : failoverId(this.options.group, epoch)),
      group: this.options.group,
      masterName: this.options.masterName,
      oldMaster: record.oldMaster,
      newMaster: record.newMaster,
      epoch,
      status: record.status,
      trigger: record.manual ? 'manual' : 'detected',
      triggeredBy: record.manual?.triggeredBy,
      reason: record.manual?.reason,
      startedAt: times[0] ?? this.now().toISOString(),
      endedAt: record.endedAt,
      phases,
      ...(unobserved.length > 0 ? { unobservedPhases: unobserved } : {}),
      ...(record.outcome ? { outcome: record.outcome } : {}),
    });
  }

  private changed(record: OpenFailover) {
    const { epoch: _epoch, ...view } = this.publicView(record);
    try {
      this.options.onChange?.(view);
    } catch (error) {
      this.options.logger.warn(`failover listener failed: ${error}`);
    }
  }

  /** Queues a write of the record's current state once its epoch is known; writes of one record never overlap. */
  private save(record: OpenFailover) {
    record.writes = record.writes.then(() => this.write(record));
  }

  private async write(record: OpenFailover) {
    if (record.epoch === undefined && record.phases.has('switch-master')) {
      record.epoch = await this.epochAfterSwitch(record);
    }
    const started = record.elected || record.phases.has('switch-master');
    if (record.epoch === undefined || !started) return;
    const view = this.publicView(record);
    const text = JSON.stringify(view);
    if (text === record.written) return;
    try {
      record.stored = await this.options.sink.saveFailover(view, {
        supersedes: [...record.supersedes],
      });
      // Another replica saw a later election of this failover and stored it under that epoch.
      record.epoch = record.stored.epoch;
      record.written = text;
    } catch (error) {
      this.options.logger.warn(
        `could not store failover ${view.id} of group ${this.options.group}: ${error}`,
      );
    }
    const { epoch: _epoch, ...stored } = record.stored ?? view;
    for (const waiter of record.waiters.splice(0)) waiter(stored);
  }

  private async epochAfterSwitch(
    record: OpenFailover,
  ): Promise<number | undefined> {
    try {
      const current = await this.options.currentMaster?.();
      // Only while the switch's new master is still the master is its config epoch this failover's; and a
      // sentinel back from a long outage may announce a jump over several failovers already recorded.
      if (!current || current.address !== record.newMaster) return undefined;
      const known = [...this.open.values(), ...this.recent].some(
        r => r !== record && r.epoch === current.epoch,
      );
      return known ? undefined : current.epoch;
    } catch {
      return undefined;
    }
  }
}
