import type {
  CheckName,
  CheckOutcome,
  Cluster,
  MetricSnapshot,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** What a check is asked about. */
export interface CheckContext {
  cluster: Cluster;
  /** The version the wave upgrades to. */
  targetVersion: string;
  /** The version the cluster is expected to run now (before: the previous version; after: the target). */
  expectedVersion: string;
  /** Aborted when the check times out or the wave halts. */
  signal: AbortSignal;
}

/** What a check found. */
export interface CheckReport {
  outcome: CheckOutcome;
  message: string;
  detail?: unknown;
  /** Set by the metric-baseline check: the traffic captured before the upgrade. */
  baseline?: MetricSnapshot;
}

/** One pre- or post-upgrade check of one cluster. */
export interface ClusterCheck {
  readonly name: CheckName;
  run(context: CheckContext): Promise<CheckReport>;
}
