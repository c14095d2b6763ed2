import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type {
  CheckOutcome,
  CheckResult,
  Cluster,
  MetricSnapshot,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { abortable } from '../abortable';
import type { CheckReport, ClusterCheck } from './types';

const DEFAULT_CONCURRENCY = 10;
const DEFAULT_TIMEOUT_MS = 30_000;
const OUTCOMES: readonly CheckOutcome[] = [
  'passed',
  'failed',
  'warning',
  'skipped',
];

/** What every check of one run is asked about, besides its cluster. */
export interface PreCheckRunContext {
  /** The version the wave upgrades to. */
  targetVersion: string;
  /** The version a cluster should run while it is checked (before: the previous version; after: the target). */
  expectedVersionFor(cluster: Cluster): string;
  phase: 'pre' | 'post';
}

/** How one run behaves. */
export interface PreCheckRunOptions {
  /** Once a cluster has a failed result, start nothing more and abort the checks in flight. */
  failFast?: boolean;
  /** Aborting it stops the run like a fail-fast halt (the wave was cancelled). */
  signal?: AbortSignal;
  /**
   * Called, and awaited, once per cluster whose checks all finished. In a halted run it is also called for a
   * cluster that has a failed result but unfinished checks, with the results it has. A cluster that was cut
   * short without a failure is not reported here (it was not checked completely).
   */
  onClusterDone?(
    clusterId: string,
    results: CheckResult[],
    baseline?: MetricSnapshot,
  ): Promise<void>;
}

/** What a run found. */
export interface PreCheckRunOutcome {
  /** Every finished check; checks that were never started or were cut short by a halt are not here. */
  results: CheckResult[];
  /** Traffic captured by the metric-baseline check, by cluster id. */
  baselines: Record<string, MetricSnapshot>;
  /** The run stopped early: a fail-fast failure or an aborted `signal`. */
  halted: boolean;
}

export interface PreCheckRunnerOptions {
  checks: ClusterCheck[];
  /** Checks in flight at once across all clusters. */
  concurrency?: number;
  /** Time one check may take before it is aborted and fails. */
  timeoutMs?: number;
  logger: LoggerService;
}

interface ClusterProgress {
  unfinished: number;
  results: CheckResult[];
  baseline?: MetricSnapshot;
  reported: boolean;
}

/**
 * Runs a wave's checks over its clusters (GUARD's pre-check engine, also used after the soak): every cluster ×
 * check pair is one work item, at most `concurrency` of them in flight, each with its own timeout. A check
 * that throws or times out becomes a failed result; it never ends the run.
 */
export class PreCheckRunner {
  private readonly checks: ClusterCheck[];
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly logger: LoggerService;

  constructor(options: PreCheckRunnerOptions) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputError(
        `concurrency must be a positive integer, got ${concurrency}`,
      );
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new InputError(
        `timeoutMs must be a positive number, got ${timeoutMs}`,
      );
    }
    this.checks = [...options.checks];
    this.concurrency = concurrency;
    this.timeoutMs = timeoutMs;
    this.logger = options.logger;
  }

  async run(
    clusters: Cluster[],
    context: PreCheckRunContext,
    options: PreCheckRunOptions = {},
  ): Promise<PreCheckRunOutcome> {
    const progress = new Map<string, ClusterProgress>();
    for (const cluster of clusters) {
      if (progress.has(cluster.clusterId)) {
        throw new InputError(
          `clusters: cluster ${cluster.clusterId} is listed twice`,
        );
      }
      progress.set(cluster.clusterId, {
        unfinished: this.checks.length,
        results: [],
        reported: false,
      });
    }

    // Aborted by a fail-fast failure or by the caller; every check's own signal follows it.
    const halt = new AbortController();
    const onCallerAbort = () => halt.abort(options.signal?.reason);
    if (options.signal?.aborted) {
      onCallerAbort();
    } else {
      options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    }

    const results: CheckResult[] = [];
    const baselines: Record<string, MetricSnapshot> = {};
    let reportFailure: { error: unknown } | undefined;

    const report = async (clusterId: string, state: ClusterProgress) => {
      state.reported = true;
      if (!options.onClusterDone || reportFailure) return;
      try {
        await options.onClusterDone(clusterId, state.results, state.baseline);
      } catch (error) {
        // Results that cannot be stored must not be taken as checked: stop and let the caller see it.
        reportFailure = { error };
        halt.abort(error);
      }
    };

    // Cluster by cluster, so early clusters finish (and are stored) early.
    const work = clusters.flatMap(cluster =>
      this.checks.map(check => ({ cluster, check })),
    );
    let next = 0;
    const worker = async () => {
      while (next < work.length && !halt.signal.aborted) {
        const { cluster, check } = work[next++];
        const result = await this.runCheck(
          cluster,
          check,
          context,
          halt.signal,
        );
        if (!result) continue;
        const state = progress.get(cluster.clusterId)!;
        state.results.push(result.result);
        results.push(result.result);
        if (result.baseline) {
          state.baseline = result.baseline;
          baselines[cluster.clusterId] = result.baseline;
        }
        state.unfinished -= 1;
        if (
          options.failFast &&
          result.result.outcome === 'failed' &&
          !halt.signal.aborted
        ) {
          this.logger.info(
            `Halting ${context.phase}-checks: ${check.name} failed on cluster ${cluster.name}`,
          );
          halt.abort(new Error(`${check.name} failed on ${cluster.name}`));
        }
        if (state.unfinished === 0) {
          await report(cluster.clusterId, state);
        }
      }
    };

    try {
      await Promise.all(
        Array.from({ length: Math.min(this.concurrency, work.length) }, worker),
      );
    } finally {
      options.signal?.removeEventListener('abort', onCallerAbort);
    }

    // A cluster that failed before the halt is reported with what it has, so its failure is stored.
    for (const [clusterId, state] of progress) {
      if (!state.reported && state.results.some(r => r.outcome === 'failed')) {
        await report(clusterId, state);
      }
    }
    if (reportFailure) {
      throw reportFailure.error;
    }
    return { results, baselines, halted: halt.signal.aborted };
  }

  /** One check under its timeout; undefined when the halt cut it short. */
  private async runCheck(
    cluster: Cluster,
    check: ClusterCheck,
    context: PreCheckRunContext,
    halt: AbortSignal,
  ): Promise<{ result: CheckResult; baseline?: MetricSnapshot } | undefined> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timed out'));
    }, this.timeoutMs);
    const onHalt = () => controller.abort(halt.reason);
    halt.addEventListener('abort', onHalt, { once: true });

    const started = performance.now();
    let report: CheckReport;
    try {
      const running = (async () =>
        check.run({
          cluster,
          targetVersion: context.targetVersion,
          expectedVersion: context.expectedVersionFor(cluster),
          signal: controller.signal,
        }))();
      report = validReport(await abortable(running, controller.signal));
    } catch (error) {
      if (timedOut) {
        report = {
          outcome: 'failed',
          message: `timed out after ${this.timeoutMs / 1000}s`,
        };
      } else if (halt.aborted) {
        return undefined;
      } else {
        report = { outcome: 'failed', message: errorMessage(error) };
      }
    } finally {
      clearTimeout(timer);
      halt.removeEventListener('abort', onHalt);
    }

    if (report.outcome === 'failed') {
      this.logger.warn(
        `Check ${check.name} failed on cluster ${cluster.name}: ${report.message}`,
      );
    }
    const result: CheckResult = {
      clusterId: cluster.clusterId,
      check: check.name,
      phase: context.phase,
      outcome: report.outcome,
      message: report.message,
      durationMs: Math.round(performance.now() - started),
      at: new Date().toISOString(),
    };
    if (report.detail !== undefined) {
      result.detail = report.detail;
    }
    return { result, baseline: report.baseline };
  }
}

function validReport(report: CheckReport | undefined): CheckReport {
  if (
    !report ||
    !OUTCOMES.includes(report.outcome) ||
    typeof report.message !== 'string'
  ) {
    return {
      outcome: 'failed',
      message: 'the check returned no valid report',
      detail: report,
    };
  }
  return report;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
