/*
 * Issue 6: Fleetdeck's warm-pools route against @backstage/plugin-kubernetes-backend's object-fetch route for the
 * same pool pods, on the sandbox `scale` scenario (20 clusters × 2,000 pods, 50 ms API latency); the backend's
 * RSS while it tracks 100,000 pool pods; and the delay from a pod relabel in the sandbox to the plugin's signal.
 * Goals: ≥ 20× faster at p95, ≤ 200 MB, ≤ 2 s.
 *
 * The measuring runs in bench/workers/warmPoolsScale.cts (the plugins' TypeScript needs Backstage's node
 * transform), which starts the backend in a child process of its own so that its RSS is the backend's alone.
 */
import { runWorker } from '../runWorker.ts';
import type { BenchFigure, Benchmark } from '../types.ts';
import type { WarmPoolsScaleResult } from '../workers/warmPoolsScale.cts';

const RSS_GOAL_MB = 200;
const SIGNAL_GOAL_MS = 2000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
  );
  return sorted[index];
}

const round = (n: number) => Math.round(n * 10) / 10;
const mib = (bytes: number) => round(bytes / 2 ** 20);

const bench: Benchmark = {
  name: 'warm-pools-scale: pool state across 20 clusters × 2,000 pods (50 ms API latency), memory, relabel → signal',
  peer: '@backstage/plugin-kubernetes-backend `POST /services/:id` for the same pool pods (latency rows); the goals of issue 6 (memory and signal rows)',
  async run(): Promise<BenchFigure[]> {
    const r = await runWorker<WarmPoolsScaleResult>('warmPoolsScale.cts', []);
    console.log(
      `  ${r.clusters} clusters × ${r.podsPerCluster} pods, ${r.latencyMs} ms latency: backend tracking ${
        r.poolPodsAtStart
      } pool pods after ${(r.syncMs / 1000).toFixed(1)} s; responses: Fleetdeck ${(
        r.fleetdeckBytes / 1024
      ).toFixed(0)} KiB, kubernetes backend ${(r.kubernetesBytes / 2 ** 20).toFixed(
        1,
      )} MiB with ${r.kubernetesPodsPerResponse} pods`,
    );
    console.log(
      `  relabel → signal (ms): ${r.relabelToSignalMs.map(round).join(', ')}`,
    );
    console.log(
      `  the same backend with no clusters configured: RSS ${mib(
        r.rssWithoutClustersBytes,
      )} MiB`,
    );
    const latency = (p: number): BenchFigure => ({
      metric: `p${p} latency of ${r.fleetdeckMs.length} requests, every pool of every cluster`,
      unit: 'ms',
      fleetdeck: round(percentile(r.fleetdeckMs, p)),
      peer: round(percentile(r.kubernetesMs, p)),
      better: 'lower',
    });
    return [
      latency(50),
      latency(95),
      {
        metric: `warm-pools backend RSS tracking ${r.poolPodsAtStart} pool pods (vs the goal)`,
        unit: 'MiB',
        fleetdeck: mib(r.rssAtStartBytes),
        peer: RSS_GOAL_MB,
        better: 'lower',
      },
      {
        metric: `warm-pools backend RSS tracking ${r.trackedPods} pool pods (vs the goal; heap ${mib(
          r.heapTrackedBytes,
        )} MiB)`,
        unit: 'MiB',
        fleetdeck: mib(r.rssTrackedBytes),
        peer: RSS_GOAL_MB,
        better: 'lower',
      },
      {
        metric: `RSS added by tracking ${r.trackedPods} pool pods (backend minus the same backend with no clusters, vs the goal)`,
        unit: 'MiB',
        fleetdeck: mib(r.rssTrackedBytes - r.rssWithoutClustersBytes),
        peer: RSS_GOAL_MB,
        better: 'lower',
      },
      {
        metric: `pod relabel in the cluster → pool signal published, p50 of ${r.relabelToSignalMs.length} (vs the goal)`,
        unit: 'ms',
        fleetdeck: round(percentile(r.relabelToSignalMs, 50)),
        peer: SIGNAL_GOAL_MS,
        better: 'lower',
      },
      {
        metric: `pod relabel in the cluster → pool signal published, max of ${r.relabelToSignalMs.length} (vs the goal)`,
        unit: 'ms',
        fleetdeck: round(Math.max(...r.relabelToSignalMs)),
        peer: SIGNAL_GOAL_MS,
        better: 'lower',
      },
    ];
  },
};

export default bench;
