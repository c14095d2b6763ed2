/*
 * The measuring half of bench/suites/precheck-fleet.bench.ts. It runs under Backstage's node transform, so the
 * plugin's TypeScript loads as it does in the backend:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/workers/precheckFleet.cts \
 *     [--clusters 1000] [--latency-ms 100] [--concurrency 10,50]
 *
 * It starts one sandbox Kubernetes API server per cluster and one metrics sandbox (Alertmanager), all adding the
 * same latency to every call, runs PreCheckRunner with the real pre-checks over every cluster, and prints one
 * JSON line (the last line of stdout) with what it measured. Progress goes to stderr.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CheckName,
  Cluster,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  eventually,
  MetricsSandbox,
  SandboxCluster,
  typeOfKind,
} from '@fleetdeck/sandbox';
import { PreCheckRunner } from '../../plugins/upgrade-waves-backend/src/checks/PreCheckRunner';
import type { ClusterCheck } from '../../plugins/upgrade-waves-backend/src/checks/types';
import {
  apiServerCheck,
  istioAnalysisCheck,
  istiodCheck,
  nodesReadyCheck,
} from '../../plugins/upgrade-waves-backend/src/kubernetes/checks';
import { ConfigClusterConnector } from '../../plugins/upgrade-waves-backend/src/kubernetes/ConfigClusterConnector';
import {
  AlertmanagerAlertSource,
  createAlertsCheck,
} from '../../plugins/upgrade-waves-backend/src/metrics/alerts';

const ISTIO_VERSION = '1.22.3';
const DEPLOYMENT = typeOfKind('Deployment');
/** Servers started at once: enough to be quick, few enough not to queue thousands of listen() calls. */
const START_BATCH = 100;
/** Timed runs of each check alone, after one that warms the client up. */
const CALIBRATION_ROUNDS = 3;

/** What one check costs on one cluster, measured alone on a calibration cluster. */
export interface CheckCalls {
  check: CheckName;
  /** Requests the servers received for it. */
  calls: number;
  /** Calls made one after another (round(duration / latency)): what it waits for at the least. */
  sequentialCalls: number;
  durationMs: number;
}

/** One run of the runner over the whole fleet. */
export interface PreCheckFleetRun {
  concurrency: number;
  wallMs: number;
  /** ceil(clusters × Σ sequential calls per cluster / concurrency) × latency. */
  boundMs: number;
  /** ceil(clusters × checks / concurrency) × latency: the bound if every check were one call. */
  oneCallBoundMs: number;
  /** Requests every server received during the run. */
  calls: number;
  outcomes: Record<string, number>;
  /** Mean duration the runner recorded per check. */
  meanCheckMs: Record<string, number>;
  /** CPU time of the process (runner, clients and every server share it) during the run. */
  cpuMs: number;
  /** How late timers fired during the run, at the 99th percentile and at worst. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

export interface PreCheckFleetResult {
  clusters: number;
  checks: CheckName[];
  latencyMs: number;
  startupMs: number;
  /** Resident memory with every server started, before the first run. */
  rssMiB: number;
  perCheck: CheckCalls[];
  callsPerCluster: number;
  sequentialCallsPerCluster: number;
  runs: PreCheckFleetRun[];
}

const logger: LoggerService = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => logger,
};

function progress(message: string) {
  process.stderr.write(`  [precheck-fleet] ${message}\n`);
}

function parseArgs(argv: string[]) {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!flag?.startsWith('--') || value === undefined) {
      throw new Error(`expected --flag value pairs, got ${argv.join(' ')}`);
    }
    flags.set(flag.slice(2), value);
  }
  const positive = (name: string, fallback: number) => {
    const value = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${name} must be a positive integer`);
    }
    return value;
  };
  const concurrency = (flags.get('concurrency') ?? '10').split(',').map(Number);
  if (concurrency.some(c => !Number.isInteger(c) || c < 1)) {
    throw new Error('--concurrency must list positive integers');
  }
  return {
    clusters: positive('clusters', 1000),
    latencyMs: positive('latency-ms', 100),
    concurrency,
  };
}

function registryCluster(sandbox: SandboxCluster, index: number): Cluster {
  return {
    clusterId: `cluster-${index}`,
    name: sandbox.name,
    batchId: 'bench',
    environment: 'bench',
    region: 'eu-west-1',
    access: {},
    gitops: { project: 'platform/gitops', paths: [] },
    istioVersion: ISTIO_VERSION,
    owners: ['group:default/platform'],
    status: 'PENDING',
    updatedAt: new Date().toISOString(),
  };
}

function istiodAvailable(sandbox: SandboxCluster): boolean {
  const istiod = sandbox.store.tryGet(DEPLOYMENT, 'istio-system', 'istiod');
  return (istiod?.status?.availableReplicas ?? 0) >= 1;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const { latencyMs } = options;

  const started = performance.now();
  const sandboxes: SandboxCluster[] = [];
  let metrics: MetricsSandbox | undefined;
  try {
    for (let i = 0; i < options.clusters; i += START_BATCH) {
      const batch = Array.from(
        { length: Math.min(START_BATCH, options.clusters - i) },
        (_, j) =>
          SandboxCluster.start({
            name: `bench-${String(i + j + 1).padStart(4, '0')}`,
            nodes: 3,
            istioVersion: ISTIO_VERSION,
            timeToReady: { kind: 'fixed', ms: 10 },
          }),
      );
      sandboxes.push(...(await Promise.all(batch)));
    }
    metrics = await MetricsSandbox.start();
    // Every check should pass, as on a healthy fleet: wait for each istiod's pod to be Ready.
    await eventually(
      'istiod to be available in every sandbox cluster',
      () => sandboxes.every(istiodAvailable),
      120_000,
    );
    const startupMs = performance.now() - started;
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    progress(
      `${sandboxes.length} API servers ready in ${(startupMs / 1000).toFixed(
        1,
      )} s, rss ${rssMiB.toFixed(0)} MiB`,
    );

    const connector = new ConfigClusterConnector({
      clusters: sandboxes.map(s => ({
        name: s.name,
        url: s.url,
        authProvider: 'serviceAccount',
        serviceAccountToken: s.token,
        skipTLSVerify: true,
      })),
    });
    const checks: ClusterCheck[] = [
      apiServerCheck(connector),
      nodesReadyCheck(connector),
      istiodCheck(connector),
      istioAnalysisCheck(connector),
      createAlertsCheck({
        source: new AlertmanagerAlertSource({ url: metrics.url }),
      }),
    ];
    const clusters = sandboxes.map(registryCluster);

    for (const sandbox of sandboxes) sandbox.api.faults.latencyMs = latencyMs;
    metrics.setLatency(latencyMs);
    const requestsSoFar = () =>
      sandboxes.reduce((sum, s) => sum + s.api.requestCount, 0) +
      metrics!.requestCount;

    const perCheck = await calibrate(
      checks,
      sandboxes[0],
      clusters[0],
      metrics,
      latencyMs,
    );
    const callsPerCluster = perCheck.reduce((sum, c) => sum + c.calls, 0);
    const sequentialCallsPerCluster = perCheck.reduce(
      (sum, c) => sum + c.sequentialCalls,
      0,
    );
    progress(
      `per cluster: ${perCheck
        .map(c => `${c.check} ${c.calls} calls/${c.sequentialCalls} in a row`)
        .join(', ')}`,
    );

    const runs: PreCheckFleetRun[] = [];
    for (const concurrency of options.concurrency) {
      const runner = new PreCheckRunner({ checks, concurrency, logger });
      const before = requestsSoFar();
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const outcome = await runner.run(clusters, {
        targetVersion: ISTIO_VERSION,
        expectedVersionFor: () => ISTIO_VERSION,
        phase: 'pre',
      });
      const wallMs = performance.now() - t0;
      const cpuUsed = process.cpuUsage(cpu);
      delay.disable();
      const outcomes: Record<string, number> = {};
      const totals: Record<string, { sum: number; n: number }> = {};
      for (const result of outcome.results) {
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        const total = (totals[result.check] ??= { sum: 0, n: 0 });
        total.sum += result.durationMs;
        total.n += 1;
      }
      const failed = outcome.results.find(r => r.outcome !== 'passed');
      if (failed) {
        progress(`not passed: ${failed.check}: ${failed.message}`);
      }
      const work = clusters.length * sequentialCallsPerCluster;
      const run: PreCheckFleetRun = {
        concurrency,
        wallMs: Math.round(wallMs),
        boundMs: Math.ceil(work / concurrency) * latencyMs,
        oneCallBoundMs:
          Math.ceil((clusters.length * checks.length) / concurrency) *
          latencyMs,
        calls: requestsSoFar() - before,
        outcomes,
        meanCheckMs: Object.fromEntries(
          Object.entries(totals).map(([check, t]) => [
            check,
            Math.round(t.sum / t.n),
          ]),
        ),
        cpuMs: Math.round((cpuUsed.user + cpuUsed.system) / 1000),
        eventLoopDelayP99Ms: Math.round(delay.percentile(99) / 1e6),
        eventLoopDelayMaxMs: Math.round(delay.max / 1e6),
      };
      progress(
        `concurrency ${concurrency}: ${(run.wallMs / 1000).toFixed(
          1,
        )} s, bound ${(run.boundMs / 1000).toFixed(1)} s, ${
          run.calls
        } calls, cpu ${(run.cpuMs / 1000).toFixed(1)} s, event-loop delay p99 ${
          run.eventLoopDelayP99Ms
        } ms / max ${run.eventLoopDelayMaxMs} ms, ${JSON.stringify(outcomes)}`,
      );
      runs.push(run);
    }

    const result: PreCheckFleetResult = {
      clusters: clusters.length,
      checks: checks.map(c => c.name),
      latencyMs,
      startupMs: Math.round(startupMs),
      rssMiB: Math.round(rssMiB),
      perCheck,
      callsPerCluster,
      sequentialCallsPerCluster,
      runs,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await Promise.all([
      ...sandboxes.map(s => s.stop()),
      metrics?.stop() ?? Promise.resolve(),
    ]);
  }
}

/**
 * Runs each check alone on one cluster and reads from the servers' request counts how many calls it made, and
 * from its duration how many of them it made one after another: k calls in a row take at least k × latency, so
 * floor(duration / latency) over the quickest of a few rounds (the first only warms the client up) is k unless
 * the check's own overhead reached a whole latency. It never exceeds the calls made.
 */
async function calibrate(
  checks: ClusterCheck[],
  sandbox: SandboxCluster,
  cluster: Cluster,
  metrics: MetricsSandbox,
  latencyMs: number,
): Promise<CheckCalls[]> {
  const requests = () => sandbox.api.requestCount + metrics.requestCount;
  const measured: CheckCalls[] = [];
  for (const check of checks) {
    let quickest: CheckCalls | undefined;
    for (let round = 0; round <= CALIBRATION_ROUNDS; round++) {
      const before = requests();
      const t0 = performance.now();
      const report = await check.run({
        cluster,
        targetVersion: ISTIO_VERSION,
        expectedVersion: ISTIO_VERSION,
        signal: new AbortController().signal,
      });
      const durationMs = performance.now() - t0;
      if (report.outcome !== 'passed') {
        throw new Error(
          `calibration: ${check.name} did not pass: ${report.message}`,
        );
      }
      const calls = requests() - before;
      if (round === 0) continue;
      if (quickest && quickest.calls !== calls) {
        throw new Error(
          `calibration: ${check.name} made ${quickest.calls} calls, then ${calls}`,
        );
      }
      if (!quickest || durationMs < quickest.durationMs) {
        quickest = {
          check: check.name,
          calls,
          sequentialCalls: Math.min(calls, Math.floor(durationMs / latencyMs)),
          durationMs: Math.round(durationMs),
        };
      }
    }
    measured.push(quickest!);
  }
  return measured;
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
