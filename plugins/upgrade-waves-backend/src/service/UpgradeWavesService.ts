import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Batch,
  BlastRadiusEntry,
  Cluster,
  ClusterRegistration,
  ComponentWaves,
  StartWaveRequest,
  ValidationThresholds,
  Wave,
  WAVE_ACTIONS_ALLOWED_IN,
  WaveAction,
  waveActionAllowed,
  WaveDetail,
  WavePrerequisite,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { sameUser } from '@fleetdeck/backend-common';
import type { ClusterAccessCheck, ClusterRegistry } from '../registry/types';
import type { WaveNotifier } from '../orchestrator/types';
import { WaveOrchestrator } from '../orchestrator/WaveOrchestrator';
import { StoredWave, WaveStore } from '../orchestrator/WaveStore';
import { BlastRadius } from './BlastRadius';

export interface UpgradeWavesSettings {
  /** Batch ids in rollout order. */
  batchOrder: string[];
  /** Soak per batch, falling back to `defaultSoakSeconds`. */
  soakSeconds: Record<string, number>;
  defaultSoakSeconds: number;
  thresholds: ValidationThresholds;
  /** Four-eyes: whether the person who started a wave may approve it. */
  allowSelfApproval: boolean;
}

/** Why an action is refused in a state where its name alone does not say it. */
function refusalReason(status: WaveStatus, action: WaveAction): string {
  if (status === 'NEEDS_ATTENTION') {
    const reasons: Partial<Record<WaveAction, string>> = {
      approve:
        'only a merge done in GitLab without an approval can be approved here',
      rollback: 'the upgrade was not merged; cancel it instead',
      cancel: 'the upgrade may already be merged; roll it back instead',
      retry: 'a merge done in GitLab needs an approval or a rollback',
    };
    return reasons[action] ?? '';
  }
  if (status === 'MERGING' && (action === 'cancel' || action === 'reject')) {
    return 'it is approved and being merged; roll it back once merged';
  }
  if (action === 'cancel' || action === 'reject') {
    return 'its upgrade merge request is merged; roll it back instead';
  }
  return '';
}

function publicWave(wave: StoredWave): Wave {
  const { upgradeStamp: _u, rollbackStamp: _r, opening: _o, ...rest } = wave;
  return rest;
}

/** The domain operations behind the REST routes and the scaffolder actions. No HTTP, no SQL. */
export class UpgradeWavesService {
  constructor(
    private readonly deps: {
      registry: ClusterRegistry;
      /** Registrations name only clusters the backend is configured to reach. */
      clusterAccess: ClusterAccessCheck;
      store: WaveStore;
      orchestrator: WaveOrchestrator;
      blastRadius: BlastRadius;
      notifier: WaveNotifier;
      settings: UpgradeWavesSettings;
      /** Called after a change that gives the orchestrator work (runs the scheduled task now). */
      kick: () => void;
    },
  ) {}

  listClusters(): Promise<Cluster[]> {
    return this.deps.registry.list();
  }

  async getCluster(clusterId: string): Promise<Cluster> {
    const cluster = await this.deps.registry.get(clusterId);
    if (!cluster) throw new NotFoundError(`no cluster ${clusterId}`);
    return cluster;
  }

  /**
   * Registers or re-registers a cluster; with `dryRun`, only checks and answers what would be stored. The
   * status and the metric queries stay Fleetdeck's: PENDING for a new cluster, the recorded ones otherwise.
   */
  async registerCluster(
    registration: ClusterRegistration,
    options: { dryRun?: boolean } = {},
  ): Promise<Cluster> {
    const problem = this.deps.clusterAccess.accessProblem(registration);
    if (problem) throw new InputError(`invalid cluster: ${problem}`);
    const existing = await this.deps.registry.get(registration.clusterId);
    const cluster = {
      ...registration,
      status: existing?.status ?? 'PENDING',
      ...(existing?.metrics ? { metrics: existing.metrics } : {}),
    } as const;
    if (options.dryRun) {
      return {
        ...cluster,
        updatedAt: existing?.updatedAt ?? new Date().toISOString(),
      };
    }
    return this.deps.registry.put(cluster);
  }

  /** Batches in rollout order: configured order first, then batches only the registry knows, by name. */
  async listBatches(): Promise<Batch[]> {
    const clusters = await this.deps.registry.list();
    const ids = [...this.deps.settings.batchOrder];
    for (const id of [...new Set(clusters.map(c => c.batchId))].sort()) {
      if (!ids.includes(id)) ids.push(id);
    }
    return ids.map((batchId, order) => {
      const members = clusters.filter(c => c.batchId === batchId);
      const versions: Record<string, number> = {};
      for (const c of members) {
        versions[c.istioVersion] = (versions[c.istioVersion] ?? 0) + 1;
      }
      return {
        batchId,
        order,
        soakSeconds: this.soakFor(batchId),
        clusters: members,
        versions,
      };
    });
  }

  async prerequisite(
    batchId: string,
    targetVersion: string,
  ): Promise<WavePrerequisite> {
    const batches = await this.listBatches();
    const index = batches.findIndex(b => b.batchId === batchId);
    if (index < 0 || !batches[index].clusters.length) {
      throw new NotFoundError(`no batch ${batchId} with registered clusters`);
    }
    if (index === 0) {
      return {
        batchId,
        satisfied: true,
        message: `${batchId} is first in rollout order`,
      };
    }
    const previous = batches[index - 1];
    const behind = previous.clusters.filter(
      c => c.istioVersion !== targetVersion || c.status !== 'HEALTHY',
    );
    return {
      batchId,
      previousBatchId: previous.batchId,
      satisfied: behind.length === 0 && previous.clusters.length > 0,
      message: behind.length
        ? `${
            previous.batchId
          } must be HEALTHY on ${targetVersion} first; not yet: ${behind
            .map(c => `${c.name} (${c.istioVersion}, ${c.status})`)
            .join(', ')}`
        : `${previous.batchId} is HEALTHY on ${targetVersion}`,
    };
  }

  async listWaves(filter: { batchId?: string; clusterId?: string }) {
    return (await this.deps.store.list(filter)).map(publicWave);
  }

  async getWave(waveId: string): Promise<WaveDetail> {
    return this.deps.store.detail(waveId);
  }

  /**
   * Starts a wave. `mayOverrideOrder` says whether the caller holds the override permission; the router
   * decides it so that this class stays free of HTTP and permission plumbing.
   */
  async startWave(
    request: StartWaveRequest,
    actor: string,
    mayOverrideOrder: boolean,
  ): Promise<Wave> {
    const batch = (await this.listBatches()).find(
      b => b.batchId === request.batchId,
    );
    if (!batch || !batch.clusters.length) {
      throw new NotFoundError(
        `no batch ${request.batchId} with registered clusters`,
      );
    }
    const current = Object.keys(batch.versions);
    if (current.length !== 1) {
      throw new ConflictError(
        `the clusters of ${
          batch.batchId
        } run different Istio versions (${current.join(
          ', ',
        )}); align them before a wave`,
      );
    }
    const [previousVersion] = current;
    if (previousVersion === request.targetVersion) {
      throw new InputError(
        `targetVersion: ${batch.batchId} already runs Istio ${request.targetVersion}`,
      );
    }
    const prerequisite = await this.prerequisite(
      request.batchId,
      request.targetVersion,
    );
    if (!prerequisite.satisfied) {
      if (!request.overrideOrder) throw new ConflictError(prerequisite.message);
      if (!mayOverrideOrder) {
        throw new NotAllowedError(
          `overriding the rollout order needs the upgrade-waves.wave.override-order permission`,
        );
      }
    }
    const overridden = !prerequisite.satisfied;
    const wave = await this.deps.store.create(
      {
        id: randomUUID(),
        batchId: batch.batchId,
        targetVersion: request.targetVersion,
        previousVersion,
        createdBy: actor,
        soakSeconds: request.soakSeconds ?? batch.soakSeconds,
        orderOverridden: overridden,
        thresholds: this.deps.settings.thresholds,
        clusters: batch.clusters.map(c => ({
          clusterId: c.clusterId,
          name: c.name,
        })),
        reason: request.reason,
      },
      {
        type: 'wave-status',
        to: 'PRE_CHECKS',
        actor,
        message: `started: Istio ${previousVersion} → ${
          request.targetVersion
        } on ${batch.batchId}${
          overridden ? ` (order overridden: ${prerequisite.message})` : ''
        }${request.reason ? `; ${request.reason}` : ''}`,
      },
    );
    await this.deps.notifier.transitioned(wave, 'wave-status');
    this.deps.kick();
    return publicWave(wave);
  }

  /**
   * Records an approval. Four-eyes compares people (normalized user entity refs), not strings. The merge itself is
   * the orchestrator's: it merges only in a transaction that finds the wave approved and not cancelled. On a wave
   * that needs attention because someone merged it in GitLab unapproved, the approval adopts that merge.
   */
  async approve(waveId: string, actor: string, comment: string) {
    const wave = await this.waveIn(waveId, 'approve');
    if (
      sameUser(wave.createdBy, actor) &&
      !this.deps.settings.allowSelfApproval
    ) {
      throw new NotAllowedError(
        'four-eyes: the person who started a wave cannot approve it',
      );
    }
    const decision = {
      decision: 'approved' as const,
      by: actor,
      at: new Date().toISOString(),
      comment,
    };
    const next = await this.deps.store.transition(waveId, {
      expect: wave.status,
      decision,
      ...(wave.status === 'NEEDS_ATTENTION'
        ? { status: wave.attention!.from }
        : {}),
      events: [
        {
          type: 'approved',
          actor,
          message:
            wave.status === 'NEEDS_ATTENTION'
              ? `approved the merge done in GitLab: ${comment}`
              : `approved: ${comment}`,
        },
      ],
    });
    await this.deps.notifier.transitioned(next, 'approved');
    this.deps.kick();
    return publicWave(next);
  }

  async reject(waveId: string, actor: string, comment: string) {
    await this.waveIn(waveId, 'reject');
    const next = await this.deps.store.transition(waveId, {
      expect: 'AWAITING_APPROVAL',
      status: 'CANCELLED',
      reason: `rejected by ${actor}: ${comment}`,
      decision: {
        decision: 'rejected',
        by: actor,
        at: new Date().toISOString(),
        comment,
      },
      events: [
        {
          type: 'rejected',
          from: 'AWAITING_APPROVAL',
          to: 'CANCELLED',
          actor,
          message: `rejected: ${comment}`,
        },
      ],
    });
    await this.deps.notifier.transitioned(next, 'rejected');
    this.deps.kick();
    return publicWave(next);
  }

  /** A wave that needs attention goes back to the step it stopped at (a closed rollback MR is opened again). */
  async retry(waveId: string, actor: string, comment?: string) {
    const wave = await this.waveIn(waveId, 'retry');
    const from = wave.attention!.from;
    const next = await this.deps.store.transition(waveId, {
      expect: 'NEEDS_ATTENTION',
      status: from,
      ...(from === 'ROLLING_BACK' &&
      wave.attention!.kind === 'merge-request-closed'
        ? { opening: 'rollback' as const }
        : {}),
      events: [
        {
          type: 'retried',
          from: 'NEEDS_ATTENTION',
          to: from,
          actor,
          message: comment ? `retried: ${comment}` : 'retried',
        },
      ],
    });
    await this.deps.store.recordFailure(waveId, undefined);
    await this.deps.notifier.transitioned(next, 'retried');
    this.deps.kick();
    return publicWave(next);
  }

  async pause(waveId: string, actor: string, comment?: string) {
    const next = await this.deps.store.setPaused(
      waveId,
      true,
      WAVE_ACTIONS_ALLOWED_IN.pause,
      {
        type: 'paused',
        actor,
        message: comment ? `paused: ${comment}` : 'paused',
      },
    );
    await this.deps.notifier.transitioned(next, 'paused');
    return publicWave(next);
  }

  async resume(waveId: string, actor: string, comment?: string) {
    const next = await this.deps.store.setPaused(
      waveId,
      false,
      WAVE_ACTIONS_ALLOWED_IN.resume,
      {
        type: 'resumed',
        actor,
        message: comment ? `resumed: ${comment}` : 'resumed',
      },
    );
    await this.deps.notifier.transitioned(next, 'resumed');
    this.deps.kick();
    return publicWave(next);
  }

  async rollback(waveId: string, actor: string, comment?: string) {
    const wave = await this.waveIn(waveId, 'rollback');
    const next = await this.deps.orchestrator.startRollback(
      wave,
      `rollback requested by ${actor}${comment ? `: ${comment}` : ''}`,
      actor,
    );
    this.deps.kick();
    return publicWave(next);
  }

  async cancel(waveId: string, actor: string, comment?: string) {
    const wave = await this.waveIn(waveId, 'cancel');
    const next = await this.deps.store.transition(waveId, {
      expect: wave.status,
      status: 'CANCELLED',
      reason: `cancelled by ${actor}${comment ? `: ${comment}` : ''}`,
      events: [
        {
          type: 'cancelled',
          from: wave.status,
          to: 'CANCELLED',
          actor,
          message: comment ? `cancelled: ${comment}` : 'cancelled',
        },
      ],
    });
    await this.deps.notifier.transitioned(next, 'cancelled');
    this.deps.kick();
    return publicWave(next);
  }

  async blastRadius(waveId: string): Promise<BlastRadiusEntry[]> {
    const clusters = await this.deps.store.clusters(waveId);
    if (!clusters.length) await this.deps.store.getOrThrow(waveId);
    const registered: Cluster[] = [];
    for (const c of clusters) {
      const cluster = await this.deps.registry.get(c.clusterId);
      if (cluster) registered.push(cluster);
    }
    return this.deps.blastRadius.of(registered);
  }

  /** The clusters a Component runs on (found as for a wave's blast radius) and the waves on them, newest first. */
  async componentWaves(entityRef: string): Promise<ComponentWaves> {
    const ref = stringifyEntityRef(parseEntityRef(entityRef));
    const clusters = await this.deps.registry.list();
    const entry = (await this.deps.blastRadius.of(clusters)).find(
      e => e.entityRef === ref,
    );
    const names = new Set(entry?.clusters ?? []);
    const touched = clusters.filter(c => names.has(c.name));
    const waves = new Map<string, Wave>();
    for (const c of touched) {
      for (const wave of await this.listWaves({ clusterId: c.clusterId })) {
        waves.set(wave.id, wave);
      }
    }
    return {
      entityRef: ref,
      clusters: touched.map(c => ({ clusterId: c.clusterId, name: c.name })),
      waves: [...waves.values()].sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      ),
    };
  }

  private async waveIn(
    waveId: string,
    action: WaveAction,
  ): Promise<StoredWave> {
    const wave = await this.deps.store.getOrThrow(waveId);
    if (!waveActionAllowed(wave, action)) {
      const allowed = WAVE_ACTIONS_ALLOWED_IN[action];
      const why = refusalReason(wave.status, action);
      throw new ConflictError(
        `cannot ${action} wave ${waveId}: it is ${wave.status}${
          why ? ` (${why})` : ` (allowed in ${allowed.join(', ')})`
        }`,
      );
    }
    return wave;
  }

  private soakFor(batchId: string): number {
    return (
      this.deps.settings.soakSeconds[batchId] ??
      this.deps.settings.defaultSoakSeconds
    );
  }
}
