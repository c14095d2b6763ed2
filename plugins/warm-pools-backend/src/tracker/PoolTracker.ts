import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DurationSummary,
  PoolId,
  PoolPod,
  PoolSnapshot,
  poolIdOf,
} from '@fleetdeck/plugin-warm-pools-common';
import { KubeConfig, V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  DeploymentInformer,
  InformerEvent,
  InformerSync,
  PodInformer,
} from './ResourceInformer';

/** The annotation (on the provisioner's Deployment) whose value is `<pool>=<size>[,<pool>=<size>…]`. */
export const WARM_POOL_TARGET_ANNOTATION = 'fleetdeck.io/warm-pool-target';

export interface PoolLabels {
  pool: string;
  assigned: string;
  sessionId: string;
}

export interface TrackedCluster {
  name: string;
  kubeConfig: KubeConfig;
}

export interface PoolTrackerOptions {
  clusters: TrackedCluster[];
  labels?: Partial<PoolLabels>;
  /** Targets by pool id (`cluster/namespace/pool`); they win over the annotation. */
  targets?: Record<PoolId, number>;
  /** Window of the assignment rate; 5 minutes by default. */
  assignmentWindowMs?: number;
  /** Samples kept per pool for each duration summary. */
  maxSamples?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

interface PodRecord {
  name: string;
  warm: boolean;
  ready: boolean;
  onDemand: boolean;
  sessionId?: string;
  createdAt: string;
  readyAt?: string;
}

interface PoolState {
  cluster: string;
  namespace: string;
  pool: string;
  pods: Map<string, PodRecord>;
  sessions: Set<string>;
  onDemandSessions: number;
  emptyEvents: number;
  assignments: number[];
  timeToReady: number[];
  replenishLag: number[];
  /** When the oldest assignment not yet made good by the replenisher happened. */
  replenishSince?: number;
}

function isReady(pod: V1Pod): Date | undefined {
  const c = pod.status?.conditions?.find(x => x.type === 'Ready');
  if (c?.status !== 'True') return undefined;
  return c.lastTransitionTime ? new Date(c.lastTransitionTime) : new Date();
}

function iso(value: Date | string | undefined): string | undefined {
  if (!value) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}

function summarize(samples: number[]): DurationSummary {
  if (samples.length === 0) return { count: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank percentiles.
  const at = (p: number) =>
    sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    count: samples.length,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
  };
}

/** Parses `warm=4,batch=2` into a map; ignores malformed parts, as a dashboard should not fail on them. */
function parseTargets(value: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (value ?? '').split(',')) {
    const [pool, size] = part.split('=').map(s => s.trim());
    const n = Number(size);
    if (pool && Number.isInteger(n) && n >= 0) out.set(pool, n);
  }
  return out;
}

/**
 * Keeps every warm pool of every configured cluster from one pod watch per cluster (plus one watch of the
 * provisioner Deployments, which carry the pools' targets), and the statistics of seed 003's dashboard.
 */
export class PoolTracker {
  private readonly labels: PoolLabels;
  private readonly now: () => number;
  private readonly pools = new Map<PoolId, PoolState>();
  private readonly podInformers = new Map<string, PodInformer>();
  private readonly deploymentInformers = new Map<string, DeploymentInformer>();
  private readonly listeners = new Set<(snapshot: PoolSnapshot) => void>();

  /**
   * Reads the clusters of `kubernetes.clusterLocatorMethods` entries of `type: config` (as the Kubernetes
   * plugin does), and `warmPools.labels` / `warmPools.targets[]` ({ cluster, namespace, pool, size }).
   */
  static fromConfig(
    config: Config,
    options?: Omit<PoolTrackerOptions, 'clusters' | 'labels' | 'targets'>,
  ): PoolTracker {
    const clusters: TrackedCluster[] = [];
    const methods =
      config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
    methods.forEach((method, i) => {
      if (method.getString('type') !== 'config') return;
      (method.getOptionalConfigArray('clusters') ?? []).forEach((c, j) => {
        const field = `kubernetes.clusterLocatorMethods[${i}].clusters[${j}]`;
        const authProvider =
          c.getOptionalString('authProvider') ?? 'serviceAccount';
        if (authProvider !== 'serviceAccount') {
          throw new InputError(
            `${field}.authProvider: warm pools reach clusters with 'serviceAccount', not '${authProvider}'`,
          );
        }
        const name = c.getString('name');
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromOptions({
          clusters: [
            {
              name,
              server: c.getString('url'),
              skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
              caData: c.getOptionalString('caData'),
              caFile: c.getOptionalString('caFile'),
            },
          ],
          users: [
            {
              name: `${name}-user`,
              token: c.getOptionalString('serviceAccountToken'),
            },
          ],
          contexts: [{ name, cluster: name, user: `${name}-user` }],
          currentContext: name,
        });
        clusters.push({ name, kubeConfig });
      });
    });
    const targets: Record<PoolId, number> = {};
    (config.getOptionalConfigArray('warmPools.targets') ?? []).forEach(
      (t, i) => {
        const size = t.getNumber('size');
        if (!Number.isInteger(size) || size < 0) {
          throw new InputError(
            `warmPools.targets[${i}].size must be a whole number of pods, got ${size}`,
          );
        }
        targets[
          poolIdOf({
            cluster: t.getString('cluster'),
            namespace: t.getString('namespace'),
            pool: t.getString('pool'),
          })
        ] = size;
      },
    );
    const labels = config.getOptionalConfig('warmPools.labels');
    return new PoolTracker({
      ...options,
      clusters,
      targets,
      labels: {
        pool: labels?.getOptionalString('pool'),
        assigned: labels?.getOptionalString('assigned'),
        sessionId: labels?.getOptionalString('sessionId'),
      } as Partial<PoolLabels>,
    });
  }

  constructor(private readonly options: PoolTrackerOptions) {
    this.labels = {
      pool: options.labels?.pool ?? 'pool',
      assigned: options.labels?.assigned ?? 'assigned',
      sessionId: options.labels?.sessionId ?? 'session-id',
    };
    this.now = options.now ?? Date.now;
    for (const c of options.clusters) {
      const common = {
        cluster: c.name,
        kubeConfig: c.kubeConfig,
        initialBackoffMs: options.initialBackoffMs,
        maxBackoffMs: options.maxBackoffMs,
        now: this.now,
      };
      const pods = new PodInformer({
        ...common,
        labelSelector: this.labels.pool,
      });
      pods.onEvent(e => this.onPodEvent(c.name, e));
      pods.onSync(s => this.onSync(c.name, s));
      this.podInformers.set(c.name, pods);
      const deployments = new DeploymentInformer(common);
      deployments.onEvent(e => this.onDeploymentEvent(c.name, e));
      this.deploymentInformers.set(c.name, deployments);
    }
  }

  /** Starts the watches; resolves once every cluster that answers has been listed. */
  async start(): Promise<void> {
    await Promise.all(
      [...this.podInformers.values(), ...this.deploymentInformers.values()].map(
        i => i.start(),
      ),
    );
  }

  stop(): void {
    for (const i of this.podInformers.values()) i.stop();
    for (const i of this.deploymentInformers.values()) i.stop();
  }

  /** Called with a pool's new snapshot whenever it changes. */
  onChange(listener: (snapshot: PoolSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshots(): PoolSnapshot[] {
    return [...this.pools.keys()].map(id => this.snapshot(id)!);
  }

  snapshot(id: PoolId): PoolSnapshot | undefined {
    const p = this.pools.get(id);
    if (!p) return undefined;
    const pods = [...p.pods.values()];
    const warm = pods.filter(x => x.warm);
    const windowMs = this.options.assignmentWindowMs ?? 5 * 60_000;
    const since = this.now() - windowMs;
    const sync = this.podInformers.get(p.cluster)?.sync;
    return {
      id,
      cluster: p.cluster,
      namespace: p.namespace,
      pool: p.pool,
      target: this.targetOf(p),
      warmReady: warm.filter(x => x.ready).length,
      warmPending: warm.filter(x => !x.ready).length,
      assigned: pods.length - warm.length,
      onDemandSessions: p.onDemandSessions,
      sessionsStarted: p.sessions.size,
      emptyEvents: p.emptyEvents,
      timeToReady: summarize(p.timeToReady),
      assignmentRatePerMinute:
        p.assignments.filter(t => t >= since).length / (windowMs / 60_000),
      assignmentWindowMs: windowMs,
      replenishLag: summarize(p.replenishLag),
      stale: sync?.stale ?? true,
      lastSyncedAt: sync?.lastSyncedAt?.toISOString(),
    };
  }

  pods(id: PoolId): PoolPod[] {
    const p = this.pools.get(id);
    if (!p) return [];
    return [...p.pods.values()].map(r => {
      let state: PoolPod['state'];
      if (r.warm) state = r.ready ? 'warm-ready' : 'warm-pending';
      else state = r.onDemand ? 'on-demand' : 'assigned';
      return {
        name: r.name,
        state,
        sessionId: r.sessionId,
        createdAt: r.createdAt,
        ageMs: Math.max(0, this.now() - Date.parse(r.createdAt)),
        readyAt: r.readyAt,
      };
    });
  }

  private targetOf(p: PoolState): number | undefined {
    const id = poolIdOf(p);
    const configured = this.options.targets?.[id];
    if (configured !== undefined) return configured;
    const deployments = this.deploymentInformers.get(p.cluster)?.list() ?? [];
    for (const d of deployments) {
      if (d.metadata?.namespace !== p.namespace) continue;
      const t = parseTargets(
        d.metadata?.annotations?.[WARM_POOL_TARGET_ANNOTATION],
      ).get(p.pool);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  private stateOf(cluster: string, pod: V1Pod): PoolState | undefined {
    const pool = pod.metadata?.labels?.[this.labels.pool];
    const namespace = pod.metadata?.namespace;
    if (!pool || !namespace) return undefined;
    const id = poolIdOf({ cluster, namespace, pool });
    let p = this.pools.get(id);
    if (!p) {
      p = {
        cluster,
        namespace,
        pool,
        pods: new Map(),
        sessions: new Set(),
        onDemandSessions: 0,
        emptyEvents: 0,
        assignments: [],
        timeToReady: [],
        replenishLag: [],
      };
      this.pools.set(id, p);
    }
    return p;
  }

  private onPodEvent(cluster: string, event: InformerEvent<V1Pod>) {
    const pod = event.object;
    const p = this.stateOf(cluster, pod);
    if (!p) return;
    const name = pod.metadata?.name ?? '';
    const before = p.pods.get(name);
    if (event.type === 'deleted') {
      p.pods.delete(name);
    } else {
      const warm = pod.metadata?.labels?.[this.labels.assigned] !== 'true';
      const sessionId = warm
        ? undefined
        : pod.metadata?.labels?.[this.labels.sessionId];
      const readyAt = isReady(pod);
      const createdAt =
        iso(pod.metadata?.creationTimestamp) ??
        new Date(this.now()).toISOString();
      // Created already assigned, for a session not seen before: an on-demand session.
      const onDemand =
        before?.onDemand ??
        (!warm && sessionId !== undefined && !p.sessions.has(sessionId));
      const record: PodRecord = {
        name,
        warm,
        ready: readyAt !== undefined,
        onDemand,
        sessionId,
        createdAt,
        readyAt: iso(readyAt),
      };
      p.pods.set(name, record);
      if (readyAt && !before?.ready) {
        const sample = readyAt.getTime() - Date.parse(createdAt);
        if (sample >= 0) this.sample(p.timeToReady, sample);
      }
      if (sessionId && !p.sessions.has(sessionId)) {
        this.sessionStarted(p, sessionId, Boolean(before?.warm), onDemand);
      }
    }
    this.checkReplenished(p);
    this.notify(poolIdOf(p));
  }

  private sessionStarted(
    p: PoolState,
    sessionId: string,
    tookWarmPod: boolean,
    onDemand: boolean,
  ) {
    const now = this.now();
    p.sessions.add(sessionId);
    p.assignments.push(now);
    const windowMs = this.options.assignmentWindowMs ?? 5 * 60_000;
    while (p.assignments.length > 0 && p.assignments[0] < now - windowMs) {
      p.assignments.shift();
    }
    if (onDemand) {
      // The session arrived to find no ready warm pod.
      p.onDemandSessions += 1;
      p.emptyEvents += 1;
    }
    if (tookWarmPod && p.replenishSince === undefined) p.replenishSince = now;
  }

  private checkReplenished(p: PoolState) {
    if (p.replenishSince === undefined) return;
    const target = this.targetOf(p);
    const warmReady = [...p.pods.values()].filter(
      x => x.warm && x.ready,
    ).length;
    if (target !== undefined && warmReady >= target) {
      this.sample(p.replenishLag, this.now() - p.replenishSince);
      p.replenishSince = undefined;
    }
  }

  private sample(samples: number[], value: number) {
    samples.push(value);
    if (samples.length > (this.options.maxSamples ?? 1000)) samples.shift();
  }

  private onDeploymentEvent(
    cluster: string,
    event: InformerEvent<V1Deployment>,
  ) {
    const annotated = [
      event.object,
      (event as { previous?: V1Deployment }).previous,
    ].some(d => d?.metadata?.annotations?.[WARM_POOL_TARGET_ANNOTATION]);
    if (!annotated) return;
    for (const [id, p] of this.pools) {
      if (
        p.cluster === cluster &&
        p.namespace === event.object.metadata?.namespace
      ) {
        this.checkReplenished(p);
        this.notify(id);
      }
    }
  }

  private onSync(cluster: string, _sync: InformerSync) {
    for (const [id, p] of this.pools) {
      if (p.cluster === cluster) this.notify(id);
    }
  }

  private notify(id: PoolId) {
    if (this.listeners.size === 0) return;
    const snapshot = this.snapshot(id);
    if (!snapshot) return;
    for (const l of this.listeners) l(snapshot);
  }
}
