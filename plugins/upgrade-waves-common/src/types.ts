/**
 * The states a cluster goes through during a wave, exactly as GUARD names them (seed 002, `ClusterStatus`).
 *
 * @public
 */
export const CLUSTER_STATUSES = [
  'PENDING',
  'PRE_CHECK_RUNNING',
  'PRE_CHECK_PASSED',
  'PRE_CHECK_FAILED',
  'MR_CREATED',
  'UPGRADING',
  'POST_CHECK_RUNNING',
  'HEALTHY',
  'ROLLBACK_REQUIRED',
  'FAILED_UPGRADE_ROLLED_BACK',
] as const;

/** @public */
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/**
 * The states of a wave: one upgrade of one batch to one target version.
 *
 * @public
 */
export const WAVE_STATUSES = [
  'PRE_CHECKS',
  'AWAITING_APPROVAL',
  'MERGING',
  'UPGRADING',
  'SOAKING',
  'SUCCEEDED',
  'HALTED',
  'ROLLING_BACK',
  'ROLLED_BACK',
  'CANCELLED',
  'NEEDS_ATTENTION',
] as const;

/** @public */
export type WaveStatus = (typeof WAVE_STATUSES)[number];

/** Where the orchestrator no longer takes steps. @public */
export const TERMINAL_WAVE_STATUSES: readonly WaveStatus[] = [
  'SUCCEEDED',
  'HALTED',
  'ROLLED_BACK',
  'CANCELLED',
];

/** How the orchestrator reaches a cluster's API server. @public */
export interface ClusterAccess {
  /**
   * The name of the cluster in `kubernetes.clusterLocatorMethods` (the same entry
   * `@backstage/plugin-kubernetes-backend` uses); defaults to the cluster's name.
   */
  kubernetesClusterName?: string;
  /** Alternatively, a context of the kubeconfig file configured in `upgradeWaves.kubeconfig`. */
  kubeconfigContext?: string;
}

/** The GitOps location of a cluster's Istio: the Flux HelmRelease files for base, istiod and gateways. @public */
export interface GitOpsLocation {
  /** GitLab project path, e.g. `platform/gitops-prod`. */
  project: string;
  /** The branch Flux follows; the project's default branch when absent. */
  branch?: string;
  /** Paths of the HelmRelease files in the project. */
  paths: string[];
}

/** Queries for the three traffic metrics a wave compares; `{cluster}` is replaced by the cluster's name. @public */
export interface MetricQueries {
  requestRate?: string;
  errorRate?: string;
  latencyP95Ms?: string;
}

/** A cluster in the registry. @public */
export interface Cluster {
  clusterId: string;
  name: string;
  batchId: string;
  environment: string;
  region: string;
  account?: string;
  roleArn?: string;
  access: ClusterAccess;
  gitops: GitOpsLocation;
  istioVersion: string;
  istioRevision?: string;
  /** Entity refs of the owners, e.g. `group:default/platform`. */
  owners: string[];
  status: ClusterStatus;
  metrics?: MetricQueries;
  /** Datadog tags that scope this cluster's monitors and metrics, e.g. `cluster_name:prod-eu-1`. */
  datadogTags?: string[];
  updatedAt: string;
}

/**
 * What a caller gives to register (or re-register) a cluster through `POST /clusters`. No status (Fleetdeck sets
 * it: PENDING when new, kept on a re-registration) and no metric queries (the backend builds them from
 * `upgradeWaves.metrics.queries` for the cluster's name and Datadog tags). @public
 */
export type ClusterRegistration = Omit<
  Cluster,
  'status' | 'updatedAt' | 'istioRevision' | 'metrics'
> & {
  istioRevision?: string;
};

/** A batch in rollout order, with its clusters. @public */
export interface Batch {
  batchId: string;
  /** Position in rollout order, 0 first. */
  order: number;
  /** Soak time for waves on this batch. */
  soakSeconds: number;
  clusters: Cluster[];
  /** How many of the batch's clusters run each Istio version. */
  versions: Record<string, number>;
}

/** The outcome of one check. @public */
export type CheckOutcome = 'passed' | 'failed' | 'warning' | 'skipped';

/** The checks a wave runs. @public */
export const CHECK_NAMES = [
  'api-server',
  'nodes-ready',
  'istiod',
  'istio-analysis',
  'alerts',
  'metric-baseline',
  'istio-proxies',
  'pods-healthy',
  'metric-comparison',
] as const;

/** @public */
export type CheckName = (typeof CHECK_NAMES)[number];

/** One check's result on one cluster, stored with its detail. @public */
export interface CheckResult {
  clusterId: string;
  check: CheckName;
  /** `pre` before the merge request, `post` after the soak. */
  phase: 'pre' | 'post';
  outcome: CheckOutcome;
  message: string;
  detail?: unknown;
  durationMs: number;
  at: string;
}

/** Traffic at one moment on one cluster. @public */
export interface MetricSnapshot {
  /** Requests per second. */
  requestRate: number;
  /** Fraction of failed requests, 0–1. */
  errorRate: number;
  latencyP95Ms: number;
  at: string;
}

/** What post-upgrade traffic may differ from the baseline (GUARD's `ValidationThresholds`). @public */
export interface ValidationThresholds {
  /** Largest allowed increase of the error rate, as an absolute fraction (0.01 = one percentage point). */
  maxErrorRateIncrease: number;
  /** Largest allowed increase of p95 latency, in percent of the baseline. */
  maxLatencyIncreasePercent: number;
  /** Below this request rate (rps) the comparison is not meaningful and the check fails. */
  minRequestRate: number;
}

/** A merge request a wave opened. @public */
export interface WaveMergeRequest {
  kind: 'upgrade' | 'rollback';
  project: string;
  iid: number;
  webUrl: string;
  branch: string;
  title: string;
  state: 'opened' | 'merged' | 'closed';
  /** Files changed and lines added / removed. */
  diff?: { files: number; additions: number; deletions: number };
  /** The GitLab user who merged or closed it, as GitLab last reported (not kept in the wave's record). */
  mergedBy?: string;
  closedBy?: string;
}

/** A cluster's part in a wave. @public */
export interface WaveCluster {
  clusterId: string;
  name: string;
  status: ClusterStatus;
  /** When the cluster entered its status. */
  statusSince: string;
  baseline?: MetricSnapshot;
  latest?: MetricSnapshot;
  /** Workloads restarted so far, of how many. */
  restart?: { done: number; total: number };
  message?: string;
}

/** An approval or rejection. @public */
export interface WaveDecision {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment: string;
}

/** One upgrade of one batch to one target version. @public */
export interface Wave {
  id: string;
  batchId: string;
  targetVersion: string;
  previousVersion: string;
  status: WaveStatus;
  paused: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  soakSeconds: number;
  /** Started although the batch before it was not HEALTHY on the target version. */
  orderOverridden: boolean;
  thresholds: ValidationThresholds;
  mergeRequests: WaveMergeRequest[];
  decision?: WaveDecision;
  soakEndsAt?: string;
  reason?: string;
  /** Set while the wave is NEEDS_ATTENTION: why it stopped and what a person may do. */
  attention?: WaveAttention;
  /** The last step that failed and is being retried (cleared once a step succeeds). */
  lastFailure?: WaveFailure;
}

/**
 * Why a wave stopped for a person (status NEEDS_ATTENTION). The orchestrator takes no step until someone retries,
 * cancels, rolls back or (for a merge done outside Fleetdeck) approves.
 *
 * @public
 */
export interface WaveAttention {
  /** The state the wave stalled in; a retry returns it there. */
  from: WaveStatus;
  kind: WaveAttentionKind;
  reason: string;
  since: string;
  /** The upgrade merge request is (or may be) merged, so the clusters may be changing: a rollback is the way out, not a cancel. */
  upgradeMerged: boolean;
}

/**
 * What stopped a wave: GitLab refused a request (a merge that needs a pipeline or approvals, a protected branch),
 * the merge request was closed or merged by someone in GitLab, or a step kept failing.
 *
 * @public
 */
export type WaveAttentionKind =
  | 'gitlab-refused'
  | 'merge-request-closed'
  | 'unapproved-merge'
  | 'repeated-failure'
  | 'step-failed';

/** A step that failed and will be tried again. @public */
export interface WaveFailure {
  message: string;
  at: string;
  attempts: number;
}

/** A wave with its clusters, checks and audit log. @public */
export interface WaveDetail extends Wave {
  clusters: WaveCluster[];
  checks: CheckResult[];
  events: WaveEvent[];
}

/** A row of the audit log: who did what, when and why. @public */
export interface WaveEvent {
  id: number;
  waveId: string;
  /** Set when the event concerns one cluster. */
  clusterId?: string;
  type: string;
  from?: string;
  to?: string;
  /** A user entity ref, or `fleetdeck:orchestrator` for automatic steps. */
  actor: string;
  message: string;
  links?: Array<{ title: string; url: string }>;
  at: string;
}

/** A catalog Component that runs on a wave's clusters. @public */
export interface BlastRadiusEntry {
  entityRef: string;
  title?: string;
  owner?: string;
  clusters: string[];
  /** How it was found: the `backstage.io/kubernetes-id` label in the cluster, or the `fleetdeck.io/clusters` annotation. */
  via: Array<'kubernetes-id' | 'annotation'>;
}

/** The clusters a catalog Component runs on, and the waves that touch them (newest first). @public */
export interface ComponentWaves {
  entityRef: string;
  clusters: Array<{ clusterId: string; name: string }>;
  waves: Wave[];
}

/** The signal published on every transition. @public */
export interface WaveSignal {
  waveId: string;
  status: WaveStatus;
  type: string;
  clusterId?: string;
  at: string;
}

/** The actor written in events for steps taken by the orchestrator. @public */
export const ORCHESTRATOR_ACTOR = 'fleetdeck:orchestrator';

/** Signal channels. @public */
export const upgradeWavesSignalChannels = {
  fleet: 'upgrade-waves:fleet',
  wave: (waveId: string) => `upgrade-waves:wave:${waveId}`,
};

/**
 * The events-service topic the backend publishes when a cluster's registry record changes
 * (payload `{ clusterId }`); the catalog's cluster-registry provider refreshes on it.
 *
 * @public
 */
export const CLUSTER_REGISTRY_EVENT_TOPIC = 'fleetdeck.upgrade-waves.registry';
