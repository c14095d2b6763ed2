import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Cluster,
  MetricSnapshot,
  Wave,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { ClusterChecksDone, WaveChecks } from '../orchestrator/types';
import type { AlertSource } from '../metrics/alerts';
import type { MetricSource } from '../metrics/metrics';
import {
  createAlertsCheck,
  createMetricBaselineCheck,
  createMetricComparisonCheck,
} from '../metrics';
import { PreCheckRunner } from './PreCheckRunner';
import type { ClusterCheck } from './types';

export interface WaveCheckSuiteOptions {
  /** The Kubernetes pre-checks (api-server, nodes-ready, istiod, istio-analysis). */
  kubernetesPreChecks: ClusterCheck[];
  /** The Kubernetes post-checks (istio-proxies, pods-healthy). */
  kubernetesPostChecks: ClusterCheck[];
  alerts: AlertSource;
  metrics: MetricSource;
  concurrency: number;
  timeoutMs: number;
  logger: LoggerService;
}

/** GUARD's pre-check engine and post-upgrade validation, assembled for one wave at a time. */
export class WaveCheckSuite implements WaveChecks {
  constructor(private readonly options: WaveCheckSuiteOptions) {}

  async pre(
    wave: Wave,
    clusters: Cluster[],
    onClusterDone: ClusterChecksDone,
  ): Promise<{ halted: boolean }> {
    const runner = this.runner([
      ...this.options.kubernetesPreChecks,
      createAlertsCheck({ source: this.options.alerts }),
      createMetricBaselineCheck({
        source: this.options.metrics,
        thresholds: wave.thresholds,
      }),
    ]);
    const { halted } = await runner.run(
      clusters,
      {
        targetVersion: wave.targetVersion,
        expectedVersionFor: () => wave.previousVersion,
        phase: 'pre',
      },
      { failFast: true, onClusterDone },
    );
    return { halted };
  }

  async post(
    wave: Wave,
    clusters: Cluster[],
    baselines: Record<string, MetricSnapshot | undefined>,
    expectedVersion: string,
    onClusterDone: ClusterChecksDone,
  ): Promise<void> {
    const runner = this.runner([
      ...this.options.kubernetesPostChecks,
      createMetricComparisonCheck({
        source: this.options.metrics,
        thresholds: wave.thresholds,
        baselineFor: clusterId => baselines[clusterId],
      }),
    ]);
    await runner.run(
      clusters,
      {
        targetVersion: wave.targetVersion,
        expectedVersionFor: () => expectedVersion,
        phase: 'post',
      },
      { onClusterDone },
    );
  }

  private runner(checks: ClusterCheck[]) {
    return new PreCheckRunner({
      checks,
      concurrency: this.options.concurrency,
      timeoutMs: this.options.timeoutMs,
      logger: this.options.logger,
    });
  }
}
