/*
 * The measuring half of bench/suites/warm-pools-scale.bench.ts:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/workers/warmPoolsScale.cts \
 *     [--clusters 20] [--pods 2000] [--latency-ms 50] [--requests 40] [--tracked 100000] [--relabels 20]
 *
 * It starts the sandbox `scale` scenario (every cluster's API server adding the same latency to every call) and,
 * in a child process (bench/workers/warmPoolsBackend.cts), one backend with Fleetdeck's warm-pools plugin and
 * @backstage/plugin-kubernetes-backend, both on the same clusters. Then:
 * - latency: requests alternate between Fleetdeck's pool route (`GET /api/warm-pools/pools`: every pool of every
 *   cluster) and the kubernetes backend's object-fetch route (`POST /api/kubernetes/services/:id` for a Component
 *   whose label selector matches the same pool pods, object types limited to pods), one at a time;
 * - relabel → signal: a pool pod is relabelled in the sandbox (assigned true ↔ false) and the time until the
 *   backend publishes the pool's signal is taken, on one clock (both processes on this machine);
 * - RSS: in a backend with the warm-pools plugin alone, its resident memory once it tracks the scenario's pool
 *   pods, then once more pool pods are added until it tracks `--tracked` of them; beside it, the same backend's
 *   RSS with no clusters configured (what Backstage's services take by themselves).
 * It prints one JSON line (the last line of stdout); progress goes to stderr.
 */
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  kubernetesConfig,
  SandboxCluster,
  startScaleFleet,
  typeOfKind,
} from '@fleetdeck/sandbox';

const POD = typeOfKind('Pod');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export interface WarmPoolsScaleResult {
  clusters: number;
  podsPerCluster: number;
  latencyMs: number;
  poolPodsAtStart: number;
  syncMs: number;
  fleetdeckMs: number[];
  kubernetesMs: number[];
  kubernetesPodsPerResponse: number;
  fleetdeckBytes: number;
  kubernetesBytes: number;
  relabelToSignalMs: number[];
  /** The same backend with no clusters configured. */
  rssWithoutClustersBytes: number;
  rssAtStartBytes: number;
  rssTrackedBytes: number;
  heapTrackedBytes: number;
  trackedPods: number;
}

function log(message: string) {
  process.stderr.write(`  [warm-pools-scale] ${message}\n`);
}

function parseArgs(argv: string[]) {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) values.set(argv[i], argv[i + 1]);
  const positive = (name: string, fallback: number) => {
    const raw = values.get(`--${name}`);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n <= 0) {
      throw new Error(`--${name} must be a positive integer, got ${raw}`);
    }
    return n;
  };
  return {
    clusters: positive('clusters', 20),
    pods: positive('pods', 2000),
    latencyMs: positive('latency-ms', 50),
    requests: positive('requests', 40),
    tracked: positive('tracked', 100_000),
    relabels: positive('relabels', 20),
  };
}

/** The backend child: messages in, messages out. */
class BackendChild {
  private readonly listeners = new Set<(m: any) => void>();

  constructor(readonly child: ChildProcess) {
    child.on('message', m => this.listeners.forEach(l => l(m)));
  }

  next<T>(
    match: (m: any) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: any) => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(m);
      };
      this.listeners.add(listener);
    });
  }

  async status(): Promise<{ rss: number; heapUsed: number }> {
    const reply = this.next<{ rss: number; heapUsed: number }>(
      m => m?.type === 'status',
      10_000,
      'status',
    );
    this.child.send({ type: 'status' });
    return reply;
  }
}

async function timed(fn: () => Promise<Response>) {
  const started = now();
  const response = await fn();
  const text = await response.text();
  const ms = now() - started;
  if (!response.ok) {
    throw new Error(`${response.status} ${text.slice(0, 300)}`);
  }
  return { ms, text };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  log(
    `starting ${options.clusters} clusters × ${options.pods} pods, ${options.latencyMs} ms API latency`,
  );
  const clusters: SandboxCluster[] = await startScaleFleet({
    clusters: options.clusters,
    podsPerCluster: options.pods,
  });
  for (const c of clusters) c.api.faults.latencyMs = options.latencyMs;
  // half of the scenario's pods are pool pods (label pool=warm), spread over ten namespaces
  const poolPodsAtStart = clusters.length * Math.ceil(options.pods / 2);

  const children: ChildProcess[] = [];
  /** A backend child process on the given clusters, with its URL once it serves. */
  async function startBackend(
    on: SandboxCluster[],
    withKubernetesBackend: boolean,
  ) {
    const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
    const child = fork(path.join(__dirname, 'warmPoolsBackend.cts'), [], {
      execArgv: ['--require', transform, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const backend = new BackendChild(child);
    const ready = backend.next<{ url: string }>(
      m => m?.type === 'ready',
      120_000,
      'backend start',
    );
    child.send({
      type: 'config',
      withKubernetesBackend,
      config: {
        backend: {
          baseUrl: 'http://127.0.0.1',
          database: { client: 'better-sqlite3', connection: ':memory:' },
        },
        kubernetes: { ...kubernetesConfig(on), objectTypes: ['pods'] },
      },
    });
    return { backend, url: (await ready).url };
  }
  const headers = {
    authorization: mockCredentials.user.header(),
    'content-type': 'application/json',
  };
  const poolsOf = (url: string) => () =>
    fetch(`${url}/api/warm-pools/pools`, { headers });
  async function trackedPods(url: string) {
    const body = JSON.parse((await timed(poolsOf(url))).text);
    return (body.pools as any[]).reduce(
      (n, p) => n + p.warmReady + p.warmPending + p.assigned,
      0,
    );
  }
  async function untilTracking(url: string, expected: number) {
    const started = now();
    for (;;) {
      const tracked = await trackedPods(url);
      if (tracked >= expected) return tracked;
      if (now() - started > 180_000) {
        throw new Error(`tracking ${tracked} of ${expected} pool pods after 3 min`);
      }
      await sleep(250);
    }
  }
  async function stopBackend(b: { backend: BackendChild }) {
    b.backend.child.kill('SIGKILL');
    await new Promise(r => b.backend.child.once('exit', r));
  }

  try {
    // 1. The same backend without clusters: what Backstage itself takes.
    const empty = await startBackend([], false);
    const rssWithoutClusters = (await empty.backend.status()).rss;
    await stopBackend(empty);

    // 2. Latency: both routes in one backend, alternating.
    const both = await startBackend(clusters, true);
    await untilTracking(both.url, poolPodsAtStart);
    const pools = poolsOf(both.url);
    const objects = () =>
      fetch(`${both.url}/api/kubernetes/services/warm-pool-pods`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          entity: {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'warm-pool-pods', namespace: 'default' },
          },
        }),
      });
    await timed(pools);
    const warm = await timed(objects);
    const kubernetesPodsPerResponse = (JSON.parse(warm.text).items as any[])
      .flatMap(i => i.resources)
      .filter(r => r.type === 'pods')
      .reduce((n, r) => n + r.resources.length, 0);
    const fleetdeckMs: number[] = [];
    const kubernetesMs: number[] = [];
    let fleetdeckBytes = 0;
    let kubernetesBytes = 0;
    for (let i = 0; i < options.requests; i++) {
      const f = await timed(pools);
      const k = await timed(objects);
      fleetdeckMs.push(f.ms);
      kubernetesMs.push(k.ms);
      fleetdeckBytes = f.text.length;
      kubernetesBytes = k.text.length;
    }
    log(`latency measured over ${options.requests} requests each`);
    await stopBackend(both);

    // 3. The warm-pools plugin alone: sync time, memory, relabel → signal.
    const started = now();
    const alone = await startBackend(clusters, false);
    await untilTracking(alone.url, poolPodsAtStart);
    const syncMs = now() - started;
    log(
      `warm-pools backend tracking ${poolPodsAtStart} pool pods ${(syncMs / 1000).toFixed(1)} s after its start`,
    );
    await sleep(2000);
    const rssAtStart = (await alone.backend.status()).rss;

    const relabelToSignalMs: number[] = [];
    const cluster = clusters[0];
    const namespace = 'team-2';
    const podName = 'pod-2'; // a warm, unassigned pool pod of the scenario
    const channel = `warm-pools:${cluster.name}/${namespace}/warm`;
    for (let i = 0; i < options.relabels; i++) {
      const signal = alone.backend.next<{ at: number }>(
        m => m?.type === 'signal' && m.channel === channel,
        10_000,
        `signal on ${channel}`,
      );
      const assigned = i % 2 === 0 ? 'true' : 'false';
      const at = now();
      cluster.store.update(POD, namespace, podName, pod => ({
        ...pod,
        metadata: {
          ...pod.metadata,
          labels: { ...pod.metadata.labels, assigned },
        },
      }));
      relabelToSignalMs.push((await signal).at - at);
      await sleep(500); // past the coalescing window, so each relabel is measured on its own
    }
    log(`relabel → signal measured ${options.relabels} times`);

    const perCluster = Math.ceil(
      (options.tracked - poolPodsAtStart) / clusters.length,
    );
    for (const c of clusters) {
      for (let p = 0; p < perCluster; p++) {
        c.store.create(POD, `team-${p % 10}`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `extra-${p}`,
            labels: { app: 'websocket-server', pool: 'warm', assigned: 'false' },
          },
          spec: { containers: [{ name: 'app', image: 'app:1.0.0' }] },
        });
      }
      await sleep(0);
    }
    const tracked = await untilTracking(
      alone.url,
      poolPodsAtStart + perCluster * clusters.length,
    );
    await sleep(2000);
    const status = await alone.backend.status();
    log(`tracking ${tracked} pool pods: RSS ${(status.rss / 2 ** 20).toFixed(0)} MiB`);

    const result: WarmPoolsScaleResult = {
      clusters: clusters.length,
      podsPerCluster: options.pods,
      latencyMs: options.latencyMs,
      poolPodsAtStart,
      syncMs,
      fleetdeckMs,
      kubernetesMs,
      kubernetesPodsPerResponse,
      fleetdeckBytes,
      kubernetesBytes,
      relabelToSignalMs,
      rssWithoutClustersBytes: rssWithoutClusters,
      rssAtStartBytes: rssAtStart,
      rssTrackedBytes: status.rss,
      heapTrackedBytes: status.heapUsed,
      trackedPods: tracked,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(clusters.map(c => c.stop()));
  }
}

main().then(
  () => process.exit(0),
  error => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
