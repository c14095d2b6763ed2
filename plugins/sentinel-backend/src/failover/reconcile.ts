import { FAILOVER_PHASES } from '@fleetdeck/plugin-sentinel-common';
import { StoredFailover, withDuration } from './merge';

/** What one sentinel says of the group's master now (`SENTINEL MASTER`). */
export interface SentinelMasterView {
  sentinel: string;
  /** The master's address, `host:port`. */
  master: string;
  configEpoch: number;
  /** The `failover_in_progress` flag: only the sentinel leading a failover has it. */
  failoverInProgress: boolean;
  /** `failover-state` while in progress, e.g. `wait_promotion`. */
  failoverState?: string;
  /** The sentinel sees the master subjectively or objectively down: a failover may (again) be under way. */
  masterDown: boolean;
}

export type ReconcileVerdict =
  | { kind: 'running'; reason: string }
  | { kind: 'unknown' }
  | { kind: 'finished'; record: StoredFailover };

/** Every failover that switched went through these, whether or not it started with a detected `+sdown`. */
export const SWITCH_PHASES = FAILOVER_PHASES.slice(2);

function lastKnownAt(record: StoredFailover): number {
  return Math.max(
    Date.parse(record.startedAt),
    ...record.phases.map(p => Date.parse(p.at)),
  );
}

/**
 * Decides an open failover record from what the sentinels say now, for a record no backend followed to its
 * end (it was stopped, or lost the events): still running → keep following; finished → completed with the
 * phases nobody saw named as such; Sentinel gave up, or it cannot be told → timed out, with the reason.
 */
export function reconcileFailover(
  record: StoredFailover,
  views: SentinelMasterView[],
  options: { now: Date; staleAfterMs: number },
): ReconcileVerdict {
  const now = options.now.toISOString();
  const ended = (
    status: 'completed' | 'timed-out',
    outcome: string,
    extra: Partial<StoredFailover> = {},
  ): ReconcileVerdict => {
    const seen = new Set(record.phases.map(p => p.phase));
    const unobserved =
      status === 'completed' ? SWITCH_PHASES.filter(p => !seen.has(p)) : [];
    return {
      kind: 'finished',
      record: withDuration({
        ...record,
        ...extra,
        status,
        // Not observed: the moment the sentinels were found past it, an upper bound the outcome names.
        endedAt: record.endedAt ?? now,
        ...(unobserved.length > 0 ? { unobservedPhases: unobserved } : {}),
        outcome,
      }),
    };
  };

  if (views.length === 0) {
    if (options.now.getTime() - lastKnownAt(record) <= options.staleAfterMs) {
      return { kind: 'unknown' };
    }
    return ended(
      'timed-out',
      `no sentinel answered for ${Math.round(
        options.staleAfterMs / 1000,
      )} s after the last phase seen; how this failover ended was not observed`,
    );
  }
  const leader = views.find(v => v.failoverInProgress);
  if (leader) {
    return {
      kind: 'running',
      reason: `sentinel ${leader.sentinel} is failing the master over (${
        leader.failoverState ?? 'in progress'
      })`,
    };
  }

  // The sentinel with the newest configuration knows best where the master is.
  const newest = views.reduce((a, b) =>
    b.configEpoch > a.configEpoch ? b : a,
  );
  const { master, configEpoch } = newest;
  if (configEpoch >= record.epoch && master !== record.oldMaster) {
    const when =
      configEpoch === record.epoch
        ? `${master} is the master at this failover's configuration epoch ${configEpoch}`
        : `${master} is the master at configuration epoch ${configEpoch}, later than this failover's ${record.epoch}`;
    return ended(
      'completed',
      `reconciled with the sentinels: ${when}; the end was not observed, so it ended by ${now} at the latest`,
      {
        newMaster:
          record.newMaster ??
          (configEpoch === record.epoch ? master : undefined),
      },
    );
  }
  if (master === record.oldMaster && views.some(v => v.masterDown)) {
    // A leader that died leaves its failover to the others, who start again after twice the failover timeout.
    return {
      kind: 'running',
      reason: `the master ${master} is still seen down; a sentinel will try again`,
    };
  }
  if (master === record.oldMaster && configEpoch < record.epoch) {
    return ended(
      'timed-out',
      `Sentinel gave up: ${master} is still the master (configuration epoch ${configEpoch}) and no sentinel is failing it over`,
    );
  }
  return ended(
    'timed-out',
    `could not tell how this failover ended: the sentinels report ${master} as master at configuration epoch ${configEpoch}, this failover was from ${record.oldMaster} at epoch ${record.epoch}`,
  );
}
