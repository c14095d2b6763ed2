import { PluginClientOptions, PluginRequester } from '@fleetdeck/common';
import type {
  Batch,
  BlastRadiusEntry,
  Cluster,
  ClusterRegistration,
  ComponentWaves,
  Wave,
  WaveDetail,
} from './types';

/** Body of `POST /waves`. @public */
export interface StartWaveRequest {
  batchId: string;
  targetVersion: string;
  /** Soak time override for this wave. */
  soakSeconds?: number;
  /** Start although the batch before is not HEALTHY on the target (needs `upgrade-waves.wave.override-order`). */
  overrideOrder?: boolean;
  reason?: string;
}

/** Body of approve / reject / rollback / cancel / pause / resume. @public */
export interface WaveActionRequest {
  comment?: string;
}

/** What `POST /waves` checks before starting: the batch before and whether it is on the target. @public */
export interface WavePrerequisite {
  batchId: string;
  previousBatchId?: string;
  satisfied: boolean;
  message: string;
}

/** The upgrade-waves REST API, as the frontend and the scaffolder actions call it. @public */
export interface UpgradeWavesApi {
  listClusters(): Promise<Cluster[]>;
  getCluster(clusterId: string): Promise<Cluster>;
  /**
   * Registers or re-registers a cluster (`upgrade-waves.cluster.register`). With `dryRun`, only checks the
   * permission and the registration, stores nothing and answers the cluster as it would be stored.
   */
  registerCluster(
    cluster: ClusterRegistration,
    options?: { dryRun?: boolean },
  ): Promise<Cluster>;
  listBatches(): Promise<Batch[]>;
  getPrerequisite(
    batchId: string,
    targetVersion: string,
  ): Promise<WavePrerequisite>;
  listWaves(filter?: { clusterId?: string; batchId?: string }): Promise<Wave[]>;
  getWave(waveId: string): Promise<WaveDetail>;
  startWave(request: StartWaveRequest): Promise<Wave>;
  approveWave(waveId: string, comment: string): Promise<Wave>;
  rejectWave(waveId: string, comment: string): Promise<Wave>;
  pauseWave(waveId: string, comment?: string): Promise<Wave>;
  resumeWave(waveId: string, comment?: string): Promise<Wave>;
  rollbackWave(waveId: string, comment?: string): Promise<Wave>;
  cancelWave(waveId: string, comment?: string): Promise<Wave>;
  /** A wave that needs attention goes back to the step it stopped at. */
  retryWave(waveId: string, comment?: string): Promise<Wave>;
  getBlastRadius(waveId: string): Promise<BlastRadiusEntry[]>;
  /** The clusters a Component runs on (found as for the blast radius) and the waves on them. */
  getComponentWaves(entityRef: string): Promise<ComponentWaves>;
}

/**
 * A client of the upgrade-waves backend over HTTP. Works in the browser (with the app's discovery and fetch
 * APIs) and in backend code such as scaffolder actions (with the discovery service and a token).
 *
 * @public
 */
export class UpgradeWavesClient implements UpgradeWavesApi {
  private readonly http: PluginRequester;

  constructor(options: PluginClientOptions) {
    this.http = new PluginRequester('upgrade-waves', options);
  }

  listClusters() {
    return this.http.request<Cluster[]>('GET', '/clusters');
  }
  getCluster(clusterId: string) {
    return this.http.request<Cluster>(
      'GET',
      `/clusters/${encodeURIComponent(clusterId)}`,
    );
  }
  registerCluster(
    cluster: ClusterRegistration,
    options?: { dryRun?: boolean },
  ) {
    const query = options?.dryRun ? '?dryRun=true' : '';
    return this.http.request<Cluster>('POST', `/clusters${query}`, cluster);
  }
  listBatches() {
    return this.http.request<Batch[]>('GET', '/batches');
  }
  getPrerequisite(batchId: string, targetVersion: string) {
    const q = new URLSearchParams({ targetVersion });
    return this.http.request<WavePrerequisite>(
      'GET',
      `/batches/${encodeURIComponent(batchId)}/prerequisite?${q}`,
    );
  }
  listWaves(filter: { clusterId?: string; batchId?: string } = {}) {
    const q = new URLSearchParams();
    if (filter.clusterId) q.set('clusterId', filter.clusterId);
    if (filter.batchId) q.set('batchId', filter.batchId);
    const qs = q.toString();
    return this.http.request<Wave[]>('GET', `/waves${qs ? `?${qs}` : ''}`);
  }
  getWave(waveId: string) {
    return this.http.request<WaveDetail>('GET', this.wavePath(waveId));
  }
  startWave(request: StartWaveRequest) {
    return this.http.request<Wave>('POST', '/waves', request);
  }
  approveWave(waveId: string, comment: string) {
    return this.action(waveId, 'approve', comment);
  }
  rejectWave(waveId: string, comment: string) {
    return this.action(waveId, 'reject', comment);
  }
  pauseWave(waveId: string, comment?: string) {
    return this.action(waveId, 'pause', comment);
  }
  resumeWave(waveId: string, comment?: string) {
    return this.action(waveId, 'resume', comment);
  }
  rollbackWave(waveId: string, comment?: string) {
    return this.action(waveId, 'rollback', comment);
  }
  cancelWave(waveId: string, comment?: string) {
    return this.action(waveId, 'cancel', comment);
  }
  retryWave(waveId: string, comment?: string) {
    return this.action(waveId, 'retry', comment);
  }
  getBlastRadius(waveId: string) {
    return this.http.request<BlastRadiusEntry[]>(
      'GET',
      `${this.wavePath(waveId)}/blast-radius`,
    );
  }

  getComponentWaves(entityRef: string) {
    const q = new URLSearchParams({ entityRef });
    return this.http.request<ComponentWaves>('GET', `/components/waves?${q}`);
  }

  private wavePath(waveId: string) {
    return `/waves/${encodeURIComponent(waveId)}`;
  }

  private action(waveId: string, action: string, comment?: string) {
    return this.http.request<Wave>(
      'POST',
      `${this.wavePath(waveId)}/${action}`,
      comment === undefined ? {} : { comment },
    );
  }
}
