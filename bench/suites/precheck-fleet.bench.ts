/*
 * Pre-checks for 1,000 sandbox clusters × 5 checks with 100 ms latency per call: PreCheckRunner with the real
 * Kubernetes checks (api-server, nodes-ready, istiod, istio-analysis) and the Alertmanager alerts check, against
 * one sandbox API server per cluster and a metrics sandbox, each adding the latency to every request.
 *
 * The peer is the floor any runner with the same concurrency meets: ceil(N × sequential calls per cluster /
 * concurrency) × latency. Sequential calls per check are measured, not assumed (the worker runs each check
 * alone on one cluster and reads its duration against the latency, and the servers' request counts for its
 * calls): istiod makes its two calls side by side, istio-analysis three one after another.
 *
 * The plugin's TypeScript needs Backstage's node transform, so the measuring runs in a child process
 * (bench/workers/precheckFleet.cts) that prints its figures as one JSON line.
 */
import { runWorker } from '../runWorker.ts';
import type { BenchFigure, Benchmark } from '../types.ts';
import type {
  PreCheckFleetResult,
  PreCheckFleetRun,
} from '../workers/precheckFleet.cts';

const CLUSTERS = 1000;
const LATENCY_MS = 100;
/** The runner's default, then a wider one. */
const CONCURRENCY = [10, 50];

const seconds = (ms: number) => Math.round(ms / 10) / 100;

function describe(result: PreCheckFleetResult, run: PreCheckFleetRun): string {
  const { clusters, checks, latencyMs, sequentialCallsPerCluster } = result;
  return [
    `N ${clusters}`,
    `checks ${checks.length}`,
    `concurrency ${run.concurrency}`,
    `latency ${latencyMs} ms`,
    `calls ${run.calls} (${result.callsPerCluster}/cluster, ${sequentialCallsPerCluster} sequential)`,
    `wall ${seconds(run.wallMs)} s`,
    `bound ceil(${clusters}×${sequentialCallsPerCluster}/${
      run.concurrency
    })×${latencyMs} ms = ${seconds(run.boundMs)} s`,
    `ratio ${(run.wallMs / run.boundMs).toFixed(2)}`,
    `(one call per check would give ${seconds(run.oneCallBoundMs)} s)`,
    `outcomes ${JSON.stringify(run.outcomes)}`,
    `mean check ms ${JSON.stringify(run.meanCheckMs)}`,
    // Runner, clients and all the servers share one process: its load is part of the overhead over the bound.
    `process cpu ${seconds(run.cpuMs)} s`,
    `event-loop delay p99 ${run.eventLoopDelayP99Ms} ms, max ${run.eventLoopDelayMaxMs} ms`,
  ].join(', ');
}

const bench: Benchmark = {
  name: 'precheck-fleet: pre-checks for 1,000 sandbox clusters × 5 checks with 100 ms latency per call',
  peer: 'the concurrency bound ceil(N × sequential calls per cluster / concurrency) × latency',
  async run(): Promise<BenchFigure[]> {
    const result = await runWorker<PreCheckFleetResult>('precheckFleet.cts', [
      '--clusters',
      String(CLUSTERS),
      '--latency-ms',
      String(LATENCY_MS),
      '--concurrency',
      CONCURRENCY.join(','),
    ]);
    console.log(
      `  ${
        result.clusters
      } API servers + 1 metrics sandbox started in ${seconds(
        result.startupMs,
      )} s, rss ${result.rssMiB} MiB`,
    );
    console.log(
      `  calls per cluster: ${result.perCheck
        .map(c => `${c.check} ${c.calls} (${c.sequentialCalls} sequential)`)
        .join(', ')}`,
    );
    for (const run of result.runs) console.log(`  ${describe(result, run)}`);

    return result.runs.map(run => ({
      metric: `wall time, ${result.clusters} clusters × ${result.checks.length} checks (${result.sequentialCallsPerCluster} sequential of ${result.callsPerCluster} calls per cluster), ${result.latencyMs} ms per call, concurrency ${run.concurrency}`,
      unit: 's',
      fleetdeck: seconds(run.wallMs),
      peer: seconds(run.boundMs),
      better: 'lower',
    }));
  },
};

export default bench;
