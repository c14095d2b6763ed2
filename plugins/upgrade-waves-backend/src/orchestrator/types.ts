import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CheckResult,
  Cluster,
  MetricSnapshot,
  Wave,
  WaveCluster,
  WaveMergeRequest,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { ClusterRegistry } from '../registry/types';

/** Per-cluster callback: the cluster's checks all finished. */
export type ClusterChecksDone = (
  clusterId: string,
  results: CheckResult[],
  baseline?: MetricSnapshot,
) => Promise<void>;

/** The checks a wave runs before its merge request and after its soak. */
export interface WaveChecks {
  /** Pre-checks with fail-fast: resolves `halted: true` when a cluster failed (no new checks were started after it). */
  pre(
    wave: Wave,
    clusters: Cluster[],
    onClusterDone: ClusterChecksDone,
  ): Promise<{ halted: boolean }>;
  /** Post-checks against the target version and the baselines captured before. */
  post(
    wave: Wave,
    clusters: Cluster[],
    baselines: Record<string, MetricSnapshot | undefined>,
    expectedVersion: string,
    onClusterDone: ClusterChecksDone,
  ): Promise<void>;
}

/** What a merge request's description reports: the clusters' check results and baselines. */
export interface WaveReport {
  checks: CheckResult[];
  clusters: WaveCluster[];
}

/** The merge requests of a wave, one per GitOps project of its clusters. */
export interface WaveGitOps {
  /** Opens (or finds) the merge requests that set the clusters' Istio HelmReleases to the kind's version. Idempotent. */
  open(
    kind: 'upgrade' | 'rollback',
    wave: Wave,
    clusters: Cluster[],
    report: WaveReport,
  ): Promise<WaveMergeRequest[]>;
  /** Merges; an already merged request is returned as it is. */
  merge(mr: WaveMergeRequest): Promise<WaveMergeRequest>;
  /** Closes; an already closed request is returned as it is. */
  close(mr: WaveMergeRequest): Promise<WaveMergeRequest>;
  /** The request's current state in GitLab. */
  refresh(mr: WaveMergeRequest): Promise<WaveMergeRequest>;
  /**
   * The merge requests of the kind in GitLab from the wave's branches (the open one, else the last merged and the last
   * closed one),
   * without opening any: how a wave finds what a crash left behind between GitLab's answer and the commit. A merged
   * one may be an earlier wave's, since branch names repeat.
   */
  find(
    kind: 'upgrade' | 'rollback',
    wave: Wave,
    clusters: Cluster[],
  ): Promise<WaveMergeRequest[]>;
}

/** What the orchestrator does in the clusters. */
export interface WaveRollout {
  /** `signal` aborts when the orchestrator loses its claim on the wave: the call must stop. */
  istiod(
    cluster: Cluster,
    signal?: AbortSignal,
  ): Promise<{ version?: string; ready: boolean; helmReleaseFailure?: string }>;
  /** Restarts the injected workloads with the given stamp; workloads already carrying it are not touched again. */
  restart(
    cluster: Cluster,
    stamp: string,
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<{ done: number; total: number }>;
  /** How many pods of the restarted workloads are not yet Running and Ready (a rollout still under way). */
  unsettledPods(cluster: Cluster, signal?: AbortSignal): Promise<number>;
}

/** Who hears about a wave: browsers (signals) and people (notifications). */
export interface WaveNotifier {
  transitioned(wave: Wave, type: string, clusterId?: string): Promise<void>;
  awaitingApproval(wave: Wave): Promise<void>;
  started(wave: Wave): Promise<void>;
  failed(wave: Wave, reason: string): Promise<void>;
  rolledBack(wave: Wave): Promise<void>;
  /** The wave stopped for a person: tell its starter and owners why. */
  needsAttention(wave: Wave, reason: string): Promise<void>;
}

export interface OrchestratorOptions {
  /** `auto`: an approval merges the MR; `manual`: the wave waits for a merge done in GitLab. */
  mergeMode: 'auto' | 'manual';
  /** Merge rollback MRs without waiting for a person. */
  autoMergeRollback: boolean;
  /** How long istiod may take to reach the target after the merge before the wave rolls back. */
  istiodTimeoutSeconds: number;
  /**
   * Whether a merge done in GitLab, without an approval in Fleetdeck, counts as the approval. Off by default: such
   * a merge is recorded with the GitLab user and the wave waits in NEEDS_ATTENTION for an approval or a rollback.
   */
  gitlabMergeApproves?: boolean;
  /** Four-eyes: whether the starter's own approval counts. */
  allowSelfApproval?: boolean;
  /** After how many failed attempts in a row a step stops the wave for a person (NEEDS_ATTENTION). */
  attentionAfterFailures?: number;
}

export interface OrchestratorDependencies {
  registry: ClusterRegistry;
  checks: WaveChecks;
  gitops: WaveGitOps;
  rollout: WaveRollout;
  notifier: WaveNotifier;
  logger: LoggerService;
  options: OrchestratorOptions;
}
