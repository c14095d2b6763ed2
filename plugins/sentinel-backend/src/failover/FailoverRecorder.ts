import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  FailoverPhase,
  FailoverPhaseMark,
  FailoverRecord,
} from '@fleetdeck/plugin-sentinel-common';
import { createHash } from 'node:crypto';
import { masterNameOf, SentinelEvent } from '../monitor/events';
import { orderPhases, StoredFailover, withDuration } from './merge';

/** Where records go: the store, which merges what several observers saw of one failover. */
export interface FailoverSink {
  saveFailover(record: StoredFailover): Promise<StoredFailover>;
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
   * The master and its config epoch as a sentinel reports them now: the epoch of a failover whose start
   * this recorder missed (it equals the failover epoch once the promoted replica is master).
   */
  currentMaster?: () => Promise<{ address: string; epoch: number } | undefined>;
  /** Called for each phase this recorder sees first, and when a record ends. */
  onChange?: (record: FailoverRecord) => void;
  now?: () => Date;
}

/** The id of a failover: the same for every observer, so backend replicas write the same record. */
export function failoverId(
  group: string,
  oldMaster: string,
  epoch: number,
): string {
  return createHash('sha256')
    .update(`${group}\n${oldMaster}\n${epoch}`)
    .digest('hex')
    .slice(0, 32);
}

interface OpenFailover {
  oldMaster: string;
  newMaster?: string;
  epoch?: number;
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

    if (phase === 'sdown') record.sdownBy.add(event.sentinel);
    if (phase === 'leader-elected') {
      record.elected = true;
      record.epoch ??= this.epochs.get(event.sentinel);
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
    // Before an election an abort is a lost vote; Sentinel tries again in a new epoch, under this record.
    if (!record?.elected) return;
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
    return withDuration({
      id:
        record.epoch === undefined
          ? ''
          : failoverId(this.options.group, record.oldMaster, epoch),
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
      record.stored = await this.options.sink.saveFailover(view);
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
