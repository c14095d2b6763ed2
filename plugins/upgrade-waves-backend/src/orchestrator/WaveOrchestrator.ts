import { stringifyError } from '@backstage/errors';
import { sameUser } from '@fleetdeck/backend-common';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  CheckResult,
  Cluster,
  ClusterStatus,
  MetricSnapshot,
  ORCHESTRATOR_ACTOR,
  TERMINAL_WAVE_STATUSES,
  WAVE_ACTIONS_ALLOWED_IN,
  WaveAttention,
  WaveCluster,
  WaveMergeRequest,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  ClusterChange,
  LeaseLostError,
  NewEvent,
  PendingEffect,
  StoredWave,
  Transition,
  WaveChangedError,
  WaveStore,
} from './WaveStore';
import { OrchestratorDependencies } from './types';
import { registryEffect } from './effects';
import { classifyStepFailure } from './failures';
import { withGitLabSignal } from '../gitlab/requester';

/** What one step did: moved the wave on (take the next step now) or found it waiting. */
type StepResult = 'progressed' | 'waiting';

const actor = ORCHESTRATOR_ACTOR;

/** An effect that failed this many times is given up (logged), so it does not hold back the wave's later ones. */
const EFFECT_ATTEMPTS = 20;

function waveEvent(
  from: string,
  to: string,
  message: string,
  more: Partial<NewEvent> = {},
): NewEvent {
  return { type: 'wave-status', from, to, actor, message, ...more };
}

function by(user?: string): string {
  return user ? ` by @${user}` : '';
}

function mrLinks(mrs: WaveMergeRequest[]) {
  return mrs.map(mr => ({ title: `${mr.project}!${mr.iid}`, url: mr.webUrl }));
}

function clusterEvent(
  c: { clusterId: string; status: ClusterStatus },
  to: ClusterStatus,
  message: string,
): NewEvent {
  return {
    type: 'cluster-status',
    clusterId: c.clusterId,
    from: c.status,
    to,
    actor,
    message,
  };
}

/** Every cluster of the wave moves to `to`: the cluster changes and their events, then `more` events. */
function everyCluster(
  clusters: WaveCluster[],
  to: ClusterStatus,
  message: string,
  more: NewEvent[],
): { clusters: ClusterChange[]; events: NewEvent[] } {
  return {
    clusters: clusters.map(c => ({ clusterId: c.clusterId, status: to })),
    events: [...clusters.map(c => clusterEvent(c, to, message)), ...more],
  };
}

function failedSummary(results: CheckResult[]): string {
  return results
    .filter(r => r.outcome === 'failed')
    .map(r => `${r.check}: ${r.message}`)
    .join('; ');
}

/**
 * Drives waves through GUARD's flow. Every step reads the wave from the database, does its side effect
 * idempotently (merge requests are found before they are created, restarts carry a stamp fixed in the wave),
 * then records the result in one transaction with its event rows and step key. Killed at any moment, the next
 * run finds the wave where the last transaction left it and repeats only the step that had not been recorded,
 * whose side effect then finds itself already done.
 */
export class WaveOrchestrator {
  /** This replica, as named in the claims it holds on waves (and fences its transitions with). */
  readonly owner: string;

  /** Aborts when the claim on the wave being driven is lost; cluster calls of the step take it. */
  private stepSignal?: AbortSignal;

  constructor(
    private readonly store: WaveStore,
    private readonly deps: OrchestratorDependencies,
    owner?: string,
  ) {
    this.owner = owner ?? `${os.hostname()}:${process.pid}:${randomUUID()}`;
  }

  /**
   * One scheduler run: advance every wave that has work as far as it goes now. Each replica runs its own
   * ticks; a wave is driven only under this replica's claim on it (see {@link WaveStore.claim}), renewed every
   * third of `leaseMs` while the replica works. A replica killed mid-step leaves its claim to run out, and the
   * next tick of any replica resumes the wave within `leaseMs`.
   */
  async tick(
    options: { leaseMs?: number; budgetMs?: number; signal?: AbortSignal } = {},
  ): Promise<void> {
    const leaseMs = options.leaseMs ?? 30_000;
    const deadline = Date.now() + (options.budgetMs ?? leaseMs);
    for (const wave of await this.store.listWork()) {
      if (options.signal?.aborted || Date.now() >= deadline) return;
      if (!(await this.store.claim(wave.id, this.owner, leaseMs))) {
        continue; // another replica drives it
      }
      const lost = new AbortController();
      const renewal = setInterval(() => {
        this.store
          .claim(wave.id, this.owner, leaseMs)
          .then(held => held || lost.abort())
          .catch(() => lost.abort());
      }, leaseMs / 3);
      renewal.unref();
      const signal = options.signal
        ? AbortSignal.any([options.signal, lost.signal])
        : lost.signal;
      try {
        // a lost claim (or the scheduler's abort) cancels the calls in flight, not only the next step
        this.stepSignal = signal;
        await withGitLabSignal(signal, () =>
          this.drive(wave.id, deadline, signal),
        );
      } catch (error) {
        if (signal.aborted) {
          // the claim is gone (or the backend stops): whoever holds the wave now takes it from what is recorded
          this.deps.logger.info(
            `wave ${
              wave.id
            }: step stopped, the claim on it was lost: ${stringifyError(
              error,
            )}`,
          );
        } else {
          await this.stepFailed(wave.id, error);
        }
      } finally {
        this.stepSignal = undefined;
        clearInterval(renewal);
        await this.store
          .release(wave.id, this.owner)
          .catch(error =>
            this.deps.logger.warn(
              `could not release wave ${
                wave.id
              }; its claim runs out by itself: ${stringifyError(error)}`,
            ),
          );
      }
    }
  }

  /** Advances one wave until it waits, ends, the time budget is spent or the claim on it is lost. */
  private async drive(
    waveId: string,
    deadline: number,
    signal: AbortSignal,
  ): Promise<void> {
    await this.drainEffects(waveId);
    while (Date.now() < deadline && !signal.aborted) {
      const wave = await this.store.getOrThrow(waveId);
      // Pause holds the rollout's steps; the clean-up of a finished wave (closing its MR) goes on.
      if (wave.paused && WAVE_ACTIONS_ALLOWED_IN.pause.includes(wave.status)) {
        return;
      }
      const result = await this.step(wave);
      if (wave.lastFailure) await this.store.recordFailure(waveId, undefined);
      if (result === 'waiting') return;
    }
  }

  /**
   * A step threw. Someone changing the wave first, or this replica losing its claim, is normal: the next run starts
   * from what is recorded. A failure that waiting will not mend (GitLab refused, something is missing) stops the
   * wave for a person at once; one that may pass (GitLab or a cluster unreachable) is recorded and retried, and
   * after `attentionAfterFailures` attempts in a row stops the wave too. Either way it shows on the wave page.
   */
  private async stepFailed(waveId: string, error: unknown): Promise<void> {
    if (error instanceof LeaseLostError || error instanceof WaveChangedError) {
      this.deps.logger.info(
        `wave ${waveId} changed during a step: ${(error as Error).message}`,
      );
      return;
    }
    const message = stringifyError(error);
    try {
      const wave = await this.store.getOrThrow(waveId);
      if (
        TERMINAL_WAVE_STATUSES.includes(wave.status) ||
        wave.status === 'NEEDS_ATTENTION'
      ) {
        this.deps.logger.warn(`wave ${waveId}: ${message}; will retry`);
        return;
      }
      const failure = classifyStepFailure(error);
      const attempts = (wave.lastFailure?.attempts ?? 0) + 1;
      const limit = this.deps.options.attentionAfterFailures ?? 10;
      if (failure.permanent || attempts >= limit) {
        await this.needsAttention(
          wave,
          failure.permanent ? failure.kind : 'repeated-failure',
          failure.permanent
            ? failure.reason
            : `${failure.reason} (${attempts} attempts in a row)`,
        );
        return;
      }
      this.deps.logger.warn(
        `wave ${waveId} step failed (attempt ${attempts} of ${limit}), will retry: ${message}`,
      );
      await this.store.recordFailure(waveId, {
        message: failure.reason,
        at: new Date(await this.store.now()).toISOString(),
        attempts,
      });
    } catch (recordError) {
      if (
        recordError instanceof LeaseLostError ||
        recordError instanceof WaveChangedError
      ) {
        return;
      }
      this.deps.logger.error(
        `wave ${waveId} step failed (${message}) and could not be recorded: ${stringifyError(
          recordError,
        )}`,
      );
    }
  }

  /** Stops the wave for a person, with why and the ways out (see `waveActionAllowed`). */
  private async needsAttention(
    wave: StoredWave,
    kind: WaveAttention['kind'],
    reason: string,
    also: Partial<
      Pick<Transition, 'clusters' | 'mergeRequests' | 'opening' | 'events'>
    > & { from?: WaveAttention['from']; upgradeMerged?: boolean } = {},
  ): Promise<StoredWave> {
    const { from, upgradeMerged, events = [], ...rest } = also;
    const attention: WaveAttention = {
      from: from ?? wave.status,
      kind,
      reason,
      since: new Date(await this.store.now()).toISOString(),
      upgradeMerged: upgradeMerged ?? (await this.upgradeMayBeMerged(wave)),
    };
    return this.apply(wave, {
      ...rest,
      status: 'NEEDS_ATTENTION',
      attention,
      reason,
      events: [...events, waveEvent(wave.status, 'NEEDS_ATTENTION', reason)],
      effects: [{ kind: 'notify', what: 'needsAttention', reason }],
    });
  }

  /** Whether the upgrade may be merged: once past MERGING it is; in MERGING unless GitLab says no MR is merged. */
  private async upgradeMayBeMerged(wave: StoredWave): Promise<boolean> {
    const upgrade = wave.mergeRequests.filter(m => m.kind === 'upgrade');
    if (upgrade.some(m => m.state === 'merged')) return true;
    if (['UPGRADING', 'SOAKING', 'ROLLING_BACK'].includes(wave.status)) {
      return true;
    }
    if (wave.status !== 'MERGING') return false;
    try {
      for (const mr of upgrade) {
        if ((await this.deps.gitops.refresh(mr)).state === 'merged')
          return true;
      }
      return false;
    } catch {
      return true; // GitLab can't tell: assume the worst, so a rollback (not a cancel) is offered
    }
  }

  /** Carries out the wave's effects in the order they were committed; stops at the first that fails. */
  private async drainEffects(waveId: string): Promise<void> {
    for (const pending of await this.store.pendingEffects(waveId)) {
      try {
        await this.carryOut(pending);
        await this.store.effectDone(pending.id);
      } catch (error) {
        const message = stringifyError(error);
        if (pending.attempts + 1 >= EFFECT_ATTEMPTS) {
          this.deps.logger.error(
            `wave ${waveId}: gave up ${pending.effect.kind} effect ${pending.id} after ${EFFECT_ATTEMPTS} attempts: ${message}`,
          );
          await this.store.effectDone(pending.id);
          continue;
        }
        await this.store.effectFailed(pending.id, message);
        this.deps.logger.warn(
          `wave ${waveId}: ${pending.effect.kind} effect ${pending.id} failed, will retry: ${message}`,
        );
        return;
      }
    }
  }

  private async carryOut({ waveId, effect }: PendingEffect): Promise<void> {
    if (effect.kind === 'registry') {
      for (const clusterId of effect.clusterIds) {
        await this.deps.registry.update(clusterId, {
          status: effect.status,
          ...(effect.istioVersion ? { istioVersion: effect.istioVersion } : {}),
        });
      }
      return;
    }
    const wave = await this.store.getOrThrow(waveId);
    const { notifier } = this.deps;
    const reason = effect.reason ?? wave.reason ?? '';
    const tell: Record<typeof effect.what, () => Promise<void>> = {
      awaitingApproval: () => notifier.awaitingApproval(wave),
      started: () => notifier.started(wave),
      failed: () => notifier.failed(wave, reason),
      rolledBack: () => notifier.rolledBack(wave),
      needsAttention: () => notifier.needsAttention(wave, reason),
    };
    await tell[effect.what]();
  }

  private async step(wave: StoredWave): Promise<StepResult> {
    switch (wave.status) {
      case 'PRE_CHECKS':
        return this.preChecks(wave);
      case 'AWAITING_APPROVAL':
        return this.awaitApproval(wave);
      case 'MERGING':
        return this.merging(wave);
      case 'UPGRADING':
        return this.upgrade(wave);
      case 'SOAKING':
        return this.soak(wave);
      case 'ROLLING_BACK':
        return this.rollBack(wave);
      case 'CANCELLED':
        return this.closeCancelled(wave);
      default:
        return 'waiting';
    }
  }

  /** One fenced transition from the state `wave` is in; then its signals, then its effects. */
  private async apply(
    wave: StoredWave,
    t: Omit<Transition, 'expect' | 'fence'>,
  ): Promise<StoredWave> {
    const next = await this.store.transition(wave.id, {
      ...t,
      expect: wave.status,
      fence: this.owner,
    });
    for (const e of t.events) {
      await this.deps.notifier.transitioned(next, e.type, e.clusterId);
    }
    if (t.effects?.length) await this.drainEffects(wave.id);
    return next;
  }

  private async registryClusters(clusters: WaveCluster[]): Promise<Cluster[]> {
    const found: Cluster[] = [];
    for (const c of clusters) {
      const cluster = await this.deps.registry.get(c.clusterId);
      if (!cluster) {
        throw new Error(`cluster ${c.clusterId} is no longer registered`);
      }
      found.push(cluster);
    }
    return found;
  }

  /** The database's time as ISO text: every replica judges soaks and timeouts on the same clock. */
  private async nowIso(): Promise<string> {
    return new Date(await this.store.now()).toISOString();
  }

  // PRE_CHECKS: run the checks (fail-fast), then open the merge request.
  private async preChecks(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const clusters = await this.store.clusters(wave.id);
    const pending = clusters.filter(
      c => c.status === 'PENDING' || c.status === 'PRE_CHECK_RUNNING',
    );
    if (pending.length) {
      const toStart = pending.filter(c => c.status === 'PENDING');
      if (toStart.length) {
        wave = await this.apply(wave, {
          clusters: toStart.map(c => ({
            clusterId: c.clusterId,
            status: 'PRE_CHECK_RUNNING',
          })),
          events: toStart.map(c =>
            clusterEvent(c, 'PRE_CHECK_RUNNING', 'pre-checks started'),
          ),
          effects: registryEffect(toStart, 'PRE_CHECK_RUNNING'),
        });
      }
      const { halted } = await this.deps.checks.pre(
        wave,
        await this.registryClusters(pending),
        async (clusterId, results, baseline) => {
          const failed = results.some(r => r.outcome === 'failed');
          const to: ClusterStatus = failed
            ? 'PRE_CHECK_FAILED'
            : 'PRE_CHECK_PASSED';
          wave = await this.apply(wave, {
            clusters: [{ clusterId, status: to, baseline }],
            checks: results,
            events: [
              clusterEvent(
                { clusterId, status: 'PRE_CHECK_RUNNING' },
                to,
                failed
                  ? `pre-checks failed: ${failedSummary(results)}`
                  : `pre-checks passed (${results.length} checks)`,
              ),
            ],
            effects: registryEffect([{ clusterId }], to),
          });
        },
      );
      const after = await this.store.clusters(wave.id);
      const failed = after.filter(c => c.status === 'PRE_CHECK_FAILED');
      if (halted || failed.length) {
        const unfinished = after.filter(c => c.status === 'PRE_CHECK_RUNNING');
        const reason = `pre-checks failed on ${failed
          .map(c => c.name)
          .join(', ')}; the wave halted before any merge request`;
        await this.apply(wave, {
          status: 'HALTED',
          reason,
          clusters: unfinished.map(c => ({
            clusterId: c.clusterId,
            status: 'PENDING',
          })),
          events: [
            ...unfinished.map(c =>
              clusterEvent(c, 'PENDING', 'not checked: the wave halted'),
            ),
            waveEvent('PRE_CHECKS', 'HALTED', reason),
          ],
          effects: [
            ...registryEffect(unfinished, 'PENDING'),
            { kind: 'notify', what: 'failed', reason },
          ],
        });
        return 'waiting';
      }
      return 'progressed';
    }
    // Every cluster passed: say that a merge request is being opened (so a cancel during GitLab's work, or a crash
    // after it, can find it by its branch), open it, then record it.
    if (wave.opening !== 'upgrade') {
      wave = await this.apply(wave, { opening: 'upgrade', events: [] });
    } else {
      // An earlier attempt may have opened it and died before recording it; someone may have merged it since.
      const orphans = await this.orphans(wave, clusters);
      const orphan = orphans.find(m => m.state === 'merged');
      const closedOrphan = orphans.find(m => m.state === 'closed');
      if (!orphan && closedOrphan && !orphans.some(m => m.state === 'opened')) {
        // someone closed it in GitLab before the wave recorded it: that is a no, as for a recorded one
        await this.cancelClosedInGitLab(
          await this.apply(wave, { opening: null, events: [] }),
          [closedOrphan],
          [closedOrphan],
        );
        return 'waiting';
      }
      if (orphan) {
        await this.needsAttention(
          wave,
          'unapproved-merge',
          `merge request ${orphan.project}!${
            orphan.iid
          } was merged in GitLab${by(
            orphan.mergedBy,
          )} before the wave recorded it or anyone approved it; Flux applies it to the clusters. Approve the wave (someone other than its starter) to carry on, or roll it back`,
          {
            from: 'AWAITING_APPROVAL',
            upgradeMerged: true,
            opening: null,
            mergeRequests: [orphan],
            ...everyCluster(
              clusters,
              'MR_CREATED',
              'merge request merged in GitLab',
              [],
            ),
          },
        );
        return 'waiting';
      }
    }
    const mrs = await this.deps.gitops.open(
      'upgrade',
      wave,
      await this.registryClusters(clusters),
      await this.store.detail(wave.id),
    );
    await this.apply(wave, {
      status: 'AWAITING_APPROVAL',
      step: 'upgrade-merge-request',
      opening: null,
      mergeRequests: mrs,
      ...everyCluster(clusters, 'MR_CREATED', 'merge request opened', [
        waveEvent(
          'PRE_CHECKS',
          'AWAITING_APPROVAL',
          `merge request opened: ${mrs.map(m => m.title).join(', ')}`,
          { links: mrLinks(mrs) },
        ),
      ]),
      effects: [
        ...registryEffect(clusters, 'MR_CREATED'),
        { kind: 'notify', what: 'awaitingApproval' },
      ],
    });
    return 'waiting';
  }

  /** Merge requests from the wave's upgrade branch that no wave recorded: what a crash left, and what became of it. */
  private async orphans(
    wave: StoredWave,
    clusters: WaveCluster[],
  ): Promise<WaveMergeRequest[]> {
    const found = await this.deps.gitops.find(
      'upgrade',
      wave,
      await this.registryClusters(clusters),
    );
    const unrecorded: WaveMergeRequest[] = [];
    for (const mr of found) {
      if (!(await this.store.isRecorded(mr.project, mr.iid))) {
        unrecorded.push(mr);
      }
    }
    return unrecorded;
  }

  /**
   * AWAITING_APPROVAL: follow the merge requests in GitLab. An approval (auto merge) commits the wave to MERGING in a
   * transaction that checks, under this replica's claim, that it is approved by someone other than the starter and
   * still not cancelled; only then does GitLab hear of a merge. A merge done in GitLab is followed: after an
   * approval it carries the wave on; without one it is recorded with its GitLab user and stops the wave for a
   * person, unless config counts it as the approval. A request closed in GitLab cancels the wave.
   */
  private async awaitApproval(wave: StoredWave): Promise<StepResult> {
    const upgradeMrs = wave.mergeRequests.filter(m => m.kind === 'upgrade');
    const now: WaveMergeRequest[] = [];
    for (const mr of upgradeMrs) now.push(await this.deps.gitops.refresh(mr));
    const merged = now.filter(m => m.state === 'merged');
    const closed = now.filter(m => m.state === 'closed');
    const { options } = this.deps;
    const approved = this.approvedByAnother(wave);

    if (closed.length && !merged.length) {
      await this.cancelClosedInGitLab(wave, now, closed);
      return 'waiting';
    }
    if (closed.length) {
      await this.needsAttention(
        wave,
        'merge-request-closed',
        `merge request ${closed
          .map(m => `${m.project}!${m.iid}`)
          .join(', ')} was closed in GitLab${by(
          closed[0].closedBy,
        )} while ${merged
          .map(m => `${m.project}!${m.iid}`)
          .join(', ')} was merged: part of the batch may be changing`,
        { upgradeMerged: true, mergeRequests: now },
      );
      return 'waiting';
    }
    if (merged.length && !approved) {
      const mergers = [...new Set(merged.map(m => m.mergedBy ?? 'unknown'))];
      if (options.gitlabMergeApproves && merged.length === now.length) {
        await this.startUpgrade(wave, now, {
          decision: {
            decision: 'approved',
            by: `gitlab:${mergers.join(',')}`,
            at: await this.nowIso(),
            comment:
              'merged in GitLab; counted as the approval (upgradeWaves.approval.gitlabMergeApproves)',
          },
          message: `merged in GitLab by @${mergers.join(
            ', @',
          )}, counted as the approval by configuration`,
        });
        return 'progressed';
      }
      await this.needsAttention(
        wave,
        'unapproved-merge',
        `merge request ${merged
          .map(m => `${m.project}!${m.iid}`)
          .join(', ')} was merged in GitLab by @${mergers.join(
          ', @',
        )} without an approval in Fleetdeck; Flux applies it to the clusters. Approve the wave (someone other than its starter) to carry on, or roll it back`,
        { upgradeMerged: true, mergeRequests: now },
      );
      return 'waiting';
    }
    if (merged.length === now.length && now.length) {
      await this.startUpgrade(wave, now, {
        message: `merged in GitLab by @${[
          ...new Set(merged.map(m => m.mergedBy ?? 'unknown')),
        ].join(', @')} after the approval`,
        requireApproval: true,
      });
      return 'progressed';
    }
    if (options.mergeMode === 'auto' && approved) {
      await this.apply(wave, {
        status: 'MERGING',
        requireApproval: {
          allowSelfApproval: options.allowSelfApproval ?? false,
        },
        mergeRequests: now,
        events: [
          waveEvent(
            'AWAITING_APPROVAL',
            'MERGING',
            `approved by ${wave.decision!.by}; merging`,
          ),
        ],
      });
      return 'progressed';
    }
    return 'waiting';
  }

  /** Whether the wave carries an approval that four-eyes accepts. */
  private approvedByAnother(wave: StoredWave): boolean {
    const decision = wave.decision;
    if (decision?.decision !== 'approved') return false;
    return (
      (this.deps.options.allowSelfApproval ?? false) ||
      !sameUser(decision.by, wave.createdBy)
    );
  }

  private async cancelClosedInGitLab(
    wave: StoredWave,
    now: WaveMergeRequest[],
    closed: WaveMergeRequest[],
  ) {
    const reason = `merge request ${closed
      .map(m => `${m.project}!${m.iid}`)
      .join(', ')} was closed in GitLab${by(closed[0].closedBy)}`;
    await this.apply(wave, {
      status: 'CANCELLED',
      reason,
      mergeRequests: now,
      events: [
        waveEvent(wave.status, 'CANCELLED', reason, {
          links: mrLinks(closed),
        }),
      ],
    });
  }

  // MERGING: approved and committed to it; merge (a merge GitLab did but answered badly is found merged).
  private async merging(wave: StoredWave): Promise<StepResult> {
    const upgradeMrs = wave.mergeRequests.filter(m => m.kind === 'upgrade');
    const now: WaveMergeRequest[] = [];
    for (const mr of upgradeMrs) now.push(await this.deps.gitops.refresh(mr));
    const closed = now.filter(m => m.state === 'closed');
    if (closed.length) {
      if (!now.some(m => m.state === 'merged')) {
        await this.cancelClosedInGitLab(wave, now, closed);
      } else {
        await this.needsAttention(
          wave,
          'merge-request-closed',
          `merge request ${closed
            .map(m => `${m.project}!${m.iid}`)
            .join(', ')} was closed in GitLab${by(
            closed[0].closedBy,
          )} while the others were merged`,
          { upgradeMerged: true, mergeRequests: now },
        );
      }
      return 'waiting';
    }
    const merged: WaveMergeRequest[] = [];
    for (const mr of now) {
      merged.push(
        mr.state === 'merged' ? mr : await this.deps.gitops.merge(mr),
      );
    }
    await this.startUpgrade(wave, merged, {
      message: 'merge request merged',
    });
    return 'progressed';
  }

  private async startUpgrade(
    wave: StoredWave,
    merged: WaveMergeRequest[],
    how: {
      message: string;
      decision?: StoredWave['decision'];
      requireApproval?: boolean;
    },
  ) {
    const clusters = await this.store.clusters(wave.id);
    await this.apply(wave, {
      status: 'UPGRADING',
      step: 'upgrade-merge',
      upgradeStamp: await this.nowIso(),
      mergeRequests: merged,
      ...(how.decision ? { decision: how.decision } : {}),
      ...(how.requireApproval
        ? {
            requireApproval: {
              allowSelfApproval: this.deps.options.allowSelfApproval ?? false,
            },
          }
        : {}),
      ...everyCluster(
        clusters,
        'UPGRADING',
        'merged; waiting for Flux and istiod',
        [
          ...(how.decision
            ? [
                {
                  type: 'approved',
                  actor: how.decision.by,
                  message: `approved: ${how.decision.comment}`,
                },
              ]
            : []),
          waveEvent(wave.status, 'UPGRADING', how.message, {
            links: mrLinks(merged),
          }),
        ],
      ),
      effects: [
        ...registryEffect(clusters, 'UPGRADING'),
        { kind: 'notify', what: 'started' },
      ],
    });
  }

  // UPGRADING: wait for istiod on the target, restart injected workloads, then soak.
  private async upgrade(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const clusters = await this.store.clusters(wave.id);
    const upgradedAt = Date.parse(wave.upgradeStamp ?? wave.updatedAt);
    const timeoutMs = this.deps.options.istiodTimeoutSeconds * 1000;
    let progressed = false;
    for (const c of clusters.filter(x => x.status === 'UPGRADING')) {
      const [cluster] = await this.registryClusters([c]);
      const istiod = await this.deps.rollout.istiod(cluster, this.stepSignal);
      const timedOut = (await this.store.now()) - upgradedAt > timeoutMs;
      if (
        istiod.helmReleaseFailure ||
        (timedOut && istiod.version !== wave.targetVersion)
      ) {
        const reason = istiod.helmReleaseFailure
          ? `istiod upgrade failed on ${c.name}: ${istiod.helmReleaseFailure}`
          : `istiod did not reach ${wave.targetVersion} on ${c.name} within ${this.deps.options.istiodTimeoutSeconds}s`;
        await this.startRollback(wave, reason, actor, this.owner);
        return 'progressed';
      }
      if (istiod.version !== wave.targetVersion || !istiod.ready) continue;
      wave = await this.restartAndRecord(wave, c, cluster, {
        kind: 'upgrade',
        stamp: wave.upgradeStamp!,
        to: 'POST_CHECK_RUNNING',
        version: wave.targetVersion,
      });
      progressed = true;
    }
    const after = await this.store.clusters(wave.id);
    if (after.every(c => c.status === 'POST_CHECK_RUNNING')) {
      // The soak watches the upgraded workloads, so it starts once their restarted pods are back (Running and
      // Ready) on every cluster; pods that never come back stop holding it after istiodTimeoutSeconds, and the
      // post-checks then judge them.
      const now = await this.store.now();
      if (
        now < upgradedAt + timeoutMs &&
        !(await this.restartsSettled(after))
      ) {
        return progressed ? 'progressed' : 'waiting';
      }
      const soakEndsAt = new Date(now + wave.soakSeconds * 1000).toISOString();
      await this.apply(wave, {
        status: 'SOAKING',
        soakEndsAt,
        events: [
          waveEvent(
            'UPGRADING',
            'SOAKING',
            `soaking for ${wave.soakSeconds}s until ${soakEndsAt}`,
          ),
        ],
      });
      return 'progressed';
    }
    return progressed ? 'progressed' : 'waiting';
  }

  /** Whether every cluster's restarted pods are Running and Ready again (an unreachable cluster is not). */
  private async restartsSettled(clusters: WaveCluster[]): Promise<boolean> {
    for (const cluster of await this.registryClusters(clusters)) {
      try {
        if (
          (await this.deps.rollout.unsettledPods(cluster, this.stepSignal)) > 0
        )
          return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Restarts one cluster's injected workloads with the wave's stamp, then records the cluster as `to`. */
  private async restartAndRecord(
    wave: StoredWave,
    c: WaveCluster,
    cluster: Cluster,
    how: {
      kind: 'upgrade' | 'rollback';
      stamp: string;
      to: ClusterStatus;
      version: string;
      registryVersion?: string;
    },
  ): Promise<StoredWave> {
    const restarted = await this.deps.rollout.restart(
      cluster,
      how.stamp,
      (done, total) => {
        void this.store.setRestartProgress(wave.id, c.clusterId, done, total);
      },
      this.stepSignal,
    );
    return this.apply(wave, {
      step: `restart:${how.kind}:${c.clusterId}`,
      clusters: [
        { clusterId: c.clusterId, status: how.to, restart: restarted },
      ],
      events: [
        clusterEvent(
          c,
          how.to,
          `istiod on ${how.version}; restarted ${restarted.done} of ${restarted.total} workloads`,
        ),
      ],
      effects: registryEffect([c], how.to, how.registryVersion),
    });
  }

  // SOAKING: after the soak, compare with the baseline and check every proxy.
  private async soak(current: StoredWave): Promise<StepResult> {
    let wave = current;
    if (
      wave.soakEndsAt &&
      (await this.store.now()) < Date.parse(wave.soakEndsAt)
    ) {
      return 'waiting';
    }
    const clusters = await this.store.clusters(wave.id);
    const running = clusters.filter(c => c.status === 'POST_CHECK_RUNNING');
    const baselines: Record<string, MetricSnapshot | undefined> = {};
    for (const c of clusters) baselines[c.clusterId] = c.baseline;
    await this.deps.checks.post(
      wave,
      await this.registryClusters(running),
      baselines,
      wave.targetVersion,
      async (clusterId, results) => {
        const failed = results.some(r => r.outcome === 'failed');
        const to: ClusterStatus = failed ? 'ROLLBACK_REQUIRED' : 'HEALTHY';
        const comparison = results.find(r => r.check === 'metric-comparison');
        const latest = (
          comparison?.detail as { now?: MetricSnapshot } | undefined
        )?.now;
        wave = await this.apply(wave, {
          clusters: [{ clusterId, status: to, latest }],
          checks: results,
          events: [
            clusterEvent(
              { clusterId, status: 'POST_CHECK_RUNNING' },
              to,
              failed
                ? `post-upgrade validation failed: ${failedSummary(results)}`
                : `validated after the soak (${results.length} checks)`,
            ),
          ],
        });
      },
    );
    const after = await this.store.clusters(wave.id);
    if (after.some(c => c.status === 'ROLLBACK_REQUIRED')) {
      const failed = after.filter(c => c.status === 'ROLLBACK_REQUIRED');
      await this.startRollback(
        wave,
        `post-upgrade validation failed on ${failed
          .map(c => c.name)
          .join(', ')}`,
        actor,
        this.owner,
      );
      return 'progressed';
    }
    if (after.every(c => c.status === 'HEALTHY')) {
      await this.apply(wave, {
        status: 'SUCCEEDED',
        events: [
          waveEvent(
            'SOAKING',
            'SUCCEEDED',
            `every cluster of ${wave.batchId} is HEALTHY on ${wave.targetVersion}`,
          ),
        ],
        effects: registryEffect(after, 'HEALTHY', wave.targetVersion),
      });
    }
    return 'waiting';
  }

  /**
   * Moves the wave to ROLLING_BACK; every cluster of the batch follows, since one MR changed them all. `fence` is
   * the orchestrator's claim when it decides this itself; a person's rollback (from the service) needs none.
   */
  async startRollback(
    wave: StoredWave,
    reason: string,
    byActor: string = actor,
    fence?: string,
    also: Pick<Transition, 'opening' | 'mergeRequests'> = {},
  ): Promise<StoredWave> {
    const clusters = await this.store.clusters(wave.id);
    const changes: ClusterChange[] = [];
    const events: NewEvent[] = [];
    for (const c of clusters) {
      if (
        c.status === 'ROLLBACK_REQUIRED' ||
        c.status === 'FAILED_UPGRADE_ROLLED_BACK'
      ) {
        continue;
      }
      changes.push({ clusterId: c.clusterId, status: 'ROLLBACK_REQUIRED' });
      events.push({
        ...clusterEvent(c, 'ROLLBACK_REQUIRED', reason),
        actor: byActor,
      });
    }
    const next = await this.store.transition(wave.id, {
      expect: wave.status,
      ...(fence ? { fence } : {}),
      ...also,
      status: 'ROLLING_BACK',
      reason,
      clusters: changes,
      events: [
        ...events,
        waveEvent(wave.status, 'ROLLING_BACK', reason, { actor: byActor }),
      ],
      effects: [
        ...registryEffect(changes, 'ROLLBACK_REQUIRED'),
        { kind: 'notify', what: 'failed', reason },
      ],
    });
    await this.deps.notifier.transitioned(next, 'wave-status');
    if (fence) await this.drainEffects(wave.id);
    return next;
  }

  // ROLLING_BACK: rollback MR, merge, istiod back on the previous version, restart, verify.
  private async rollBack(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const clusters = await this.store.clusters(wave.id);
    const rollbackMrs = wave.mergeRequests.filter(m => m.kind === 'rollback');
    if (!rollbackMrs.length || wave.opening === 'rollback') {
      if (wave.opening !== 'rollback') {
        wave = await this.apply(wave, { opening: 'rollback', events: [] });
      }
      const mrs = await this.deps.gitops.open(
        'rollback',
        wave,
        await this.registryClusters(clusters),
        await this.store.detail(wave.id),
      );
      await this.apply(wave, {
        opening: null,
        mergeRequests: mrs,
        events: [
          {
            type: 'merge-request',
            actor,
            message: `rollback merge request opened: ${mrs
              .map(m => m.title)
              .join(', ')}`,
            links: mrLinks(mrs),
          },
        ],
      });
      return 'progressed';
    }
    if (!wave.rollbackStamp) {
      const merged: WaveMergeRequest[] = [];
      for (const mr of rollbackMrs) {
        const now = await this.deps.gitops.refresh(mr);
        merged.push(
          now.state === 'opened' && this.deps.options.autoMergeRollback
            ? await this.deps.gitops.merge(now)
            : now,
        );
      }
      const closed = merged.filter(m => m.state === 'closed');
      if (closed.length) {
        await this.needsAttention(
          wave,
          'merge-request-closed',
          `rollback merge request ${closed
            .map(m => `${m.project}!${m.iid}`)
            .join(', ')} was closed in GitLab${by(
            closed[0].closedBy,
          )}; the clusters still run ${
            wave.targetVersion
          }. Retry opens it again`,
        );
        return 'waiting';
      }
      if (merged.some(m => m.state !== 'merged')) return 'waiting';
      await this.apply(wave, {
        step: 'rollback-merge',
        rollbackStamp: await this.nowIso(),
        mergeRequests: merged,
        events: [
          {
            type: 'merge-request',
            actor,
            message: 'rollback merge request merged',
            links: mrLinks(merged),
          },
        ],
      });
      return 'progressed';
    }
    const stamp = wave.rollbackStamp;
    let progressed = false;
    for (const c of clusters.filter(x => x.status === 'ROLLBACK_REQUIRED')) {
      const [cluster] = await this.registryClusters([c]);
      const istiod = await this.deps.rollout.istiod(cluster, this.stepSignal);
      if (istiod.version !== wave.previousVersion || !istiod.ready) continue;
      wave = await this.restartAndRecord(wave, c, cluster, {
        kind: 'rollback',
        stamp,
        to: 'FAILED_UPGRADE_ROLLED_BACK',
        version: wave.previousVersion,
        registryVersion: wave.previousVersion,
      });
      progressed = true;
    }
    const after = await this.store.clusters(wave.id);
    if (after.every(c => c.status === 'FAILED_UPGRADE_ROLLED_BACK')) {
      await this.apply(wave, {
        status: 'ROLLED_BACK',
        events: [
          waveEvent(
            'ROLLING_BACK',
            'ROLLED_BACK',
            `${wave.batchId} is back on ${wave.previousVersion}`,
          ),
        ],
        effects: [{ kind: 'notify', what: 'rolledBack' }],
      });
      return 'waiting';
    }
    return progressed ? 'progressed' : 'waiting';
  }

  /**
   * CANCELLED with a merge request open or being opened: close it, including one a crash left unrecorded (found
   * by its branch). One found merged (someone merged it in GitLab before it could be closed) is what really
   * happened: the wave rolls back instead of showing CANCELLED over changed clusters.
   */
  private async closeCancelled(wave: StoredWave): Promise<StepResult> {
    // every upgrade MR not known closed: an open one is closed, a merged one (recorded, or merged since) rolls back
    const candidates = wave.mergeRequests.filter(
      m => m.kind === 'upgrade' && m.state !== 'closed',
    );
    if (wave.opening) {
      const clusters = await this.registryClusters(
        await this.store.clusters(wave.id),
      );
      for (const mr of await this.deps.gitops.find(
        wave.opening,
        wave,
        clusters,
      )) {
        const known = candidates.some(
          c => c.project === mr.project && c.iid === mr.iid,
        );
        // a merged one that another wave recorded is that wave's; one nobody recorded is the orphan
        if (
          !known &&
          (mr.state === 'opened' ||
            !(await this.store.isRecorded(mr.project, mr.iid)))
        ) {
          candidates.push(mr);
        }
      }
    }
    const now: WaveMergeRequest[] = [];
    for (const mr of candidates) {
      const current = await this.deps.gitops.refresh(mr);
      now.push(
        current.state === 'opened'
          ? await this.deps.gitops.close(current)
          : current,
      );
    }
    const merged = now.filter(
      m => m.state === 'merged' && m.kind === 'upgrade',
    );
    if (merged.length) {
      const reason = `merge request ${merged
        .map(m => `${m.project}!${m.iid}`)
        .join(', ')} was merged in GitLab${by(
        merged[0].mergedBy,
      )} after the wave was cancelled; rolling back`;
      // one transition: the merge request recorded as merged and the rollback begun, or neither
      await this.startRollback(wave, reason, actor, this.owner, {
        opening: null,
        mergeRequests: now,
      });
      return 'progressed';
    }
    if (!now.length && !wave.opening) {
      await this.store.releaseBatchIfIdle(wave.id);
      return 'waiting';
    }
    await this.apply(wave, {
      opening: null,
      mergeRequests: now,
      events: now.length
        ? [
            {
              type: 'merge-request',
              actor,
              message: 'merge request closed: the wave was cancelled',
              links: mrLinks(now),
            },
          ]
        : [],
    });
    return 'waiting';
  }
}
