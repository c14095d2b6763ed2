import { ConflictError, stringifyError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  CheckResult,
  Cluster,
  ClusterStatus,
  MetricSnapshot,
  ORCHESTRATOR_ACTOR,
  WaveCluster,
  WaveMergeRequest,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  ClusterChange,
  NewEvent,
  StoredWave,
  Transition,
  WaveStore,
} from './WaveStore';
import { OrchestratorDependencies } from './types';

/** What one step did: moved the wave on (take the next step now) or found it waiting. */
type StepResult = 'progressed' | 'waiting';

const actor = ORCHESTRATOR_ACTOR;

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
  constructor(
    private readonly store: WaveStore,
    private readonly deps: OrchestratorDependencies,
  ) {}

  /** This replica, as named in the claims it holds on waves. */
  private readonly owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;

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
        await this.drive(wave.id, deadline, signal);
      } catch (error) {
        if (error instanceof ConflictError) {
          // A person acted on the wave meanwhile (cancel, pause); the next run starts from what they did.
          this.deps.logger.info(
            `wave ${wave.id} changed during a step: ${error.message}`,
          );
        } else {
          this.deps.logger.error(
            `wave ${wave.id} step failed, will retry: ${stringifyError(error)}`,
          );
        }
      } finally {
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
  async drive(
    waveId: string,
    deadline = Date.now() + 60_000,
    signal?: AbortSignal,
  ): Promise<void> {
    while (Date.now() < deadline && !signal?.aborted) {
      const wave = await this.store.getOrThrow(waveId);
      if (wave.paused) return;
      if ((await this.step(wave)) === 'waiting') return;
    }
  }

  private async step(wave: StoredWave): Promise<StepResult> {
    switch (wave.status) {
      case 'PRE_CHECKS':
        return this.preChecks(wave);
      case 'AWAITING_APPROVAL':
        return this.awaitApproval(wave);
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

  private async apply(
    wave: StoredWave,
    t: Omit<Transition, 'expect'>,
  ): Promise<StoredWave> {
    const next = await this.store.transition(wave.id, {
      ...t,
      expect: wave.status,
    });
    for (const e of t.events) {
      await this.deps.notifier.transitioned(next, e.type, e.clusterId);
    }
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

  private async setRegistryStatus(
    clusters: Array<{ clusterId: string }>,
    status: ClusterStatus,
    istioVersion?: string,
  ) {
    for (const c of clusters) {
      await this.deps.registry.update(c.clusterId, {
        status,
        ...(istioVersion ? { istioVersion } : {}),
      });
    }
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
        });
        await this.setRegistryStatus(toStart, 'PRE_CHECK_RUNNING');
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
          });
          await this.setRegistryStatus([{ clusterId }], to);
        },
      );
      const after = await this.store.clusters(wave.id);
      const failed = after.filter(c => c.status === 'PRE_CHECK_FAILED');
      if (halted || failed.length) {
        const unfinished = after.filter(c => c.status === 'PRE_CHECK_RUNNING');
        const reason = `pre-checks failed on ${failed
          .map(c => c.name)
          .join(', ')}; the wave halted before any merge request`;
        wave = await this.apply(wave, {
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
            {
              type: 'wave-status',
              from: 'PRE_CHECKS',
              to: 'HALTED',
              actor,
              message: reason,
            },
          ],
        });
        await this.setRegistryStatus(unfinished, 'PENDING');
        await this.deps.notifier.failed(wave, reason);
        return 'waiting';
      }
      return 'progressed';
    }
    // Every cluster passed: open the merge request (found again if a crash came after GitLab had it).
    const mrs = await this.deps.gitops.open(
      'upgrade',
      wave,
      await this.registryClusters(clusters),
      await this.store.detail(wave.id),
    );
    const opened = wave;
    wave = await this.apply(wave, {
      status: 'AWAITING_APPROVAL',
      step: 'upgrade-merge-request',
      mergeRequests: mrs,
      ...everyCluster(clusters, 'MR_CREATED', 'merge request opened', [
        {
          type: 'wave-status',
          from: 'PRE_CHECKS',
          to: 'AWAITING_APPROVAL',
          actor,
          message: `merge request opened: ${mrs.map(m => m.title).join(', ')}`,
          links: mrLinks(mrs),
        },
      ]),
    }).catch(async error => {
      // Cancelled while GitLab was opening it: the wave never recorded this MR, so close it here.
      const now = await this.store.get(opened.id);
      if (now?.status === 'CANCELLED') {
        for (const mr of mrs) await this.deps.gitops.close(mr);
      }
      throw error;
    });
    await this.setRegistryStatus(clusters, 'MR_CREATED');
    await this.deps.notifier.awaitingApproval(wave);
    return 'waiting';
  }

  // AWAITING_APPROVAL: merge once approved (auto), or follow the merge done in GitLab (manual).
  private async awaitApproval(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const upgradeMrs = wave.mergeRequests.filter(m => m.kind === 'upgrade');
    let merged: WaveMergeRequest[];
    if (this.deps.options.mergeMode === 'auto') {
      if (wave.decision?.decision !== 'approved') return 'waiting';
      merged = [];
      for (const mr of upgradeMrs)
        merged.push(await this.deps.gitops.merge(mr));
    } else {
      merged = [];
      for (const mr of upgradeMrs)
        merged.push(await this.deps.gitops.refresh(mr));
      const closed = merged.find(m => m.state === 'closed');
      if (closed) {
        const reason = `merge request ${closed.project}!${closed.iid} was closed in GitLab`;
        await this.apply(wave, {
          status: 'CANCELLED',
          reason,
          mergeRequests: merged,
          events: [
            {
              type: 'wave-status',
              from: wave.status,
              to: 'CANCELLED',
              actor,
              message: reason,
              links: mrLinks([closed]),
            },
          ],
        });
        return 'waiting';
      }
      if (merged.some(m => m.state !== 'merged')) return 'waiting';
    }
    const clusters = await this.store.clusters(wave.id);
    wave = await this.apply(wave, {
      status: 'UPGRADING',
      step: 'upgrade-merge',
      upgradeStamp: new Date().toISOString(),
      mergeRequests: merged,
      ...everyCluster(
        clusters,
        'UPGRADING',
        'merged; waiting for Flux and istiod',
        [
          {
            type: 'wave-status',
            from: 'AWAITING_APPROVAL',
            to: 'UPGRADING',
            actor,
            message: 'merge request merged',
            links: mrLinks(merged),
          },
        ],
      ),
    });
    await this.setRegistryStatus(clusters, 'UPGRADING');
    await this.deps.notifier.started(wave);
    return 'progressed';
  }

  // UPGRADING: wait for istiod on the target, restart injected workloads, then soak.
  private async upgrade(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const clusters = await this.store.clusters(wave.id);
    let progressed = false;
    for (const c of clusters.filter(x => x.status === 'UPGRADING')) {
      const [cluster] = await this.registryClusters([c]);
      const istiod = await this.deps.rollout.istiod(cluster);
      const timedOut =
        Date.now() - Date.parse(wave.upgradeStamp ?? wave.updatedAt) >
        this.deps.options.istiodTimeoutSeconds * 1000;
      if (
        istiod.helmReleaseFailure ||
        (timedOut && istiod.version !== wave.targetVersion)
      ) {
        const reason = istiod.helmReleaseFailure
          ? `istiod upgrade failed on ${c.name}: ${istiod.helmReleaseFailure}`
          : `istiod did not reach ${wave.targetVersion} on ${c.name} within ${this.deps.options.istiodTimeoutSeconds}s`;
        await this.startRollback(wave, reason);
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
      const settleBy =
        Date.parse(wave.upgradeStamp ?? wave.updatedAt) +
        this.deps.options.istiodTimeoutSeconds * 1000;
      if (Date.now() < settleBy && !(await this.restartsSettled(after))) {
        return progressed ? 'progressed' : 'waiting';
      }
      const soakEndsAt = new Date(
        Date.now() + wave.soakSeconds * 1000,
      ).toISOString();
      await this.apply(wave, {
        status: 'SOAKING',
        soakEndsAt,
        events: [
          {
            type: 'wave-status',
            from: 'UPGRADING',
            to: 'SOAKING',
            actor,
            message: `soaking for ${wave.soakSeconds}s until ${soakEndsAt}`,
          },
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
        if ((await this.deps.rollout.unsettledPods(cluster)) > 0) return false;
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
    );
    const next = await this.apply(wave, {
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
    });
    await this.setRegistryStatus([c], how.to, how.registryVersion);
    return next;
  }

  // SOAKING: after the soak, compare with the baseline and check every proxy.
  private async soak(current: StoredWave): Promise<StepResult> {
    let wave = current;
    if (wave.soakEndsAt && Date.now() < Date.parse(wave.soakEndsAt)) {
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
      );
      return 'progressed';
    }
    if (after.every(c => c.status === 'HEALTHY')) {
      await this.apply(wave, {
        status: 'SUCCEEDED',
        events: [
          {
            type: 'wave-status',
            from: 'SOAKING',
            to: 'SUCCEEDED',
            actor,
            message: `every cluster of ${wave.batchId} is HEALTHY on ${wave.targetVersion}`,
          },
        ],
      });
      await this.setRegistryStatus(after, 'HEALTHY', wave.targetVersion);
    }
    return 'waiting';
  }

  /** Moves the wave to ROLLING_BACK; every cluster of the batch follows, since one MR changed them all. */
  async startRollback(
    wave: StoredWave,
    reason: string,
    by: string = actor,
  ): Promise<StoredWave> {
    const clusters = await this.store.clusters(wave.id);
    const changes: ClusterChange[] = [];
    const events: NewEvent[] = [];
    for (const c of clusters) {
      if (c.status === 'ROLLBACK_REQUIRED') continue;
      changes.push({ clusterId: c.clusterId, status: 'ROLLBACK_REQUIRED' });
      events.push({
        ...clusterEvent(c, 'ROLLBACK_REQUIRED', reason),
        actor: by,
      });
    }
    const next = await this.apply(wave, {
      status: 'ROLLING_BACK',
      reason,
      clusters: changes,
      events: [
        ...events,
        {
          type: 'wave-status',
          from: wave.status,
          to: 'ROLLING_BACK',
          actor: by,
          message: reason,
        },
      ],
    });
    await this.setRegistryStatus(clusters, 'ROLLBACK_REQUIRED');
    await this.deps.notifier.failed(next, reason);
    return next;
  }

  // ROLLING_BACK: rollback MR, merge, istiod back on the previous version, restart, verify.
  private async rollBack(current: StoredWave): Promise<StepResult> {
    let wave = current;
    const clusters = await this.store.clusters(wave.id);
    const rollbackMrs = wave.mergeRequests.filter(m => m.kind === 'rollback');
    if (!rollbackMrs.length) {
      const mrs = await this.deps.gitops.open(
        'rollback',
        wave,
        await this.registryClusters(clusters),
        await this.store.detail(wave.id),
      );
      await this.apply(wave, {
        step: 'rollback-merge-request',
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
        merged.push(
          this.deps.options.autoMergeRollback
            ? await this.deps.gitops.merge(mr)
            : await this.deps.gitops.refresh(mr),
        );
      }
      if (merged.some(m => m.state !== 'merged')) return 'waiting';
      await this.apply(wave, {
        step: 'rollback-merge',
        rollbackStamp: new Date().toISOString(),
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
      const istiod = await this.deps.rollout.istiod(cluster);
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
      wave = await this.apply(wave, {
        status: 'ROLLED_BACK',
        events: [
          {
            type: 'wave-status',
            from: 'ROLLING_BACK',
            to: 'ROLLED_BACK',
            actor,
            message: `${wave.batchId} is back on ${wave.previousVersion}`,
          },
        ],
      });
      await this.deps.notifier.rolledBack(wave);
      return 'waiting';
    }
    return progressed ? 'progressed' : 'waiting';
  }

  // CANCELLED with an open merge request: close it (also when the cancel came while it was being opened).
  private async closeCancelled(wave: StoredWave): Promise<StepResult> {
    const open = wave.mergeRequests.filter(m => m.state === 'opened');
    if (!open.length) return 'waiting';
    const closed: WaveMergeRequest[] = [];
    for (const mr of open) closed.push(await this.deps.gitops.close(mr));
    await this.apply(wave, {
      mergeRequests: closed,
      events: [
        {
          type: 'merge-request',
          actor,
          message: 'merge request closed: the wave was cancelled',
          links: mrLinks(closed),
        },
      ],
    });
    return 'waiting';
  }
}
