import {
  FAILOVER_PHASES,
  FailoverPhase,
  FailoverPhaseMark,
  FailoverRecord,
} from '@fleetdeck/plugin-sentinel-common';

/** A failover record with the epoch that, with the group and the old master, identifies it. */
export interface StoredFailover extends FailoverRecord {
  epoch: number;
}

const STATUS_RANK: Record<FailoverRecord['status'], number> = {
  'in-progress': 0,
  completed: 1,
  'timed-out': 2,
};

function earliest(a?: string, b?: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Phases in the order Sentinel goes through them, each once. */
export function orderPhases(
  phases: Iterable<FailoverPhaseMark>,
): FailoverPhaseMark[] {
  const byPhase = new Map<FailoverPhase, FailoverPhaseMark>();
  for (const mark of phases) {
    const known = byPhase.get(mark.phase);
    if (!known || mark.at < known.at) byPhase.set(mark.phase, mark);
  }
  return FAILOVER_PHASES.flatMap(phase => {
    const mark = byPhase.get(phase);
    return mark ? [mark] : [];
  });
}

export function withDuration<T extends FailoverRecord>(record: T): T {
  const durationMs =
    record.endedAt === undefined
      ? undefined
      : Date.parse(record.endedAt) - Date.parse(record.startedAt);
  return { ...record, durationMs };
}

/**
 * One failover as seen by two observers (two backend replicas, or one replica before and after a restart):
 * the earliest time of each phase, the furthest status, and what either knows about who triggered it.
 */
export function mergeFailovers(
  existing: StoredFailover,
  incoming: StoredFailover,
): StoredFailover {
  const manual = existing.trigger === 'manual' || incoming.trigger === 'manual';
  return withDuration({
    ...existing,
    newMaster: existing.newMaster ?? incoming.newMaster,
    status:
      STATUS_RANK[incoming.status] > STATUS_RANK[existing.status]
        ? incoming.status
        : existing.status,
    trigger: manual ? 'manual' : 'detected',
    triggeredBy: existing.triggeredBy ?? incoming.triggeredBy,
    reason: existing.reason ?? incoming.reason,
    startedAt: earliest(existing.startedAt, incoming.startedAt)!,
    endedAt: earliest(existing.endedAt, incoming.endedAt),
    phases: orderPhases([...existing.phases, ...incoming.phases]),
  });
}
