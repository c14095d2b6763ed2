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

/** A record that has ended; its status and outcome are final, whoever writes after. */
export function isFinished(record: FailoverRecord): boolean {
  return record.status !== 'in-progress';
}

/**
 * One failover as seen by two observers (two backend replicas, one replica before and after a restart, or a
 * reconcile with the sentinels): the earliest time of each phase, and what either knows about who triggered
 * it. The first observer to end the record decides how it ended: a replica that later gives up on a failover it
 * lost sight of never turns a completed record into a timed-out one.
 */
export function mergeFailovers(
  existing: StoredFailover,
  incoming: StoredFailover,
): StoredFailover {
  const manual = existing.trigger === 'manual' || incoming.trigger === 'manual';
  const decided = isFinished(existing) ? existing : incoming;
  const phases = orderPhases([...existing.phases, ...incoming.phases]);
  const seen = new Set(phases.map(p => p.phase));
  const unobserved = FAILOVER_PHASES.filter(
    phase =>
      !seen.has(phase) &&
      [
        ...(existing.unobservedPhases ?? []),
        ...(decided.unobservedPhases ?? []),
      ].includes(phase),
  );
  const merged: StoredFailover = {
    ...existing,
    newMaster: existing.newMaster ?? incoming.newMaster,
    status: decided.status,
    trigger: manual ? 'manual' : 'detected',
    triggeredBy: existing.triggeredBy ?? incoming.triggeredBy,
    reason: existing.reason ?? incoming.reason,
    startedAt: earliest(existing.startedAt, incoming.startedAt)!,
    // An end that was observed is more precise than a reconcile's "ended by then".
    endedAt: isFinished(decided)
      ? earliest(existing.endedAt, incoming.endedAt)
      : undefined,
    phases,
    unobservedPhases: unobserved.length > 0 ? unobserved : undefined,
    outcome: decided.outcome,
  };
  if (merged.unobservedPhases === undefined) delete merged.unobservedPhases;
  if (merged.outcome === undefined) delete merged.outcome;
  return withDuration(merged);
}
