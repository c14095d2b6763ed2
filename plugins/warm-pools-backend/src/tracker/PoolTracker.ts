import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  PoolDetail,
  PoolId,
  PoolPod,
  PoolSnapshot,
  PoolSummary,
  poolIdOf,
} from '@fleetdeck/plugin-warm-pools-common';
import { KubeConfig, V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  DeploymentInformer,
  InformerEvent,
  InformerSync,
  PodInformer,
} from './ResourceInformer';
import { histogram, summarize } from './durations';

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
  /**
   * How long session arrivals are kept for `activity()` (the history points); at least the assignment window.
   * 15 minutes by default.
   */
  activityRetentionMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  watchTimeoutSeconds?: number;
  /** See `ResourceInformerOptions.watchIdleTimeoutMs`. */
  watchIdleTimeoutMs?: number;
  /** The reconnect jitter's source, `Math.random` by default. */
  random?: () => number;
  logger?: LoggerService;
  now?: () => number;
}

/** What the sizing advice is computed from. */
export interface SizingEvidence {
  currentTarget?: number;
  arrivalRatePerMinute: number;
  /** Sessions that arrived within the rate's window. */
  arrivals: number;
  /** The span the rate was measured over: the window, or less while the cluster has not been watched that long. */
  observedMs: number;
  timeToReady: PoolSnapshot['timeToReady'];
}

/** Sessions that started within a span of time, for a history point. */
export interface PoolActivity {
  sessionsStarted: number;
  onDemandSessions: number;
  emptyEvents: number;
}

/** How many moments the pool ran empty are listed in `recentEmptyAt`. */
const RECENT_EMPTY_LIMIT = 20;
const DAY_MS = 24 * 3600 * 1000;
const SESSION_MEMORY_MS = 3600 * 1000;

interface PodRecord {
  name: string;
  warm: boolean;
  ready: boolean;
  onDemand: boolean;
  sessionId?: string;
  createdAt: string;
  readyAt?: string;
  /** A session arrived for this pod before it was Ready: its start latency is taken when it becomes Ready. */
  awaitingStart?: { arrivedAt: number; kind: 'warm' | 'onDemand' };
}

interface PoolState {
  cluster: string;
  namespace: string;
  pool: string;
  pods: Map<string, PodRecord>;
  /**
   * Sessions seen on a pod, with when they were last seen, so that the re-created pod of a session is not taken
   * for a new one; forgotten an hour after their last pod is gone.
   */
  sessions: Map<string, number>;
  sessionsPrunedAt: number;
  /** Sessions that arrived while the cluster was watched. */
  sessionsStarted: number;
  onDemandSessions: number;
  emptyEvents: number;
  /** Session arrivals, oldest first, kept for `activityRetentionMs`. */
  arrivals: Array<{ at: number; onDemand: boolean }>;
  /** Empty moments of the UTC day `emptyDay` (days since the epoch). */
  emptyDay: number;
  emptyToday: number;
  /** Newest first. */
  recentEmpty: number[];
  timeToReady: number[];
  replenishLag: number[];
  warmStartLatency: number[];
  onDemandStartLatency: number[];
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
  private readonly idListeners = new Set<(id: PoolId) => void>();
  private readonly kubeConfigs = new Map<string, KubeConfig>();
  /** When each cluster's pods were first listed: what was there before is not counted as arriving sessions. */
  private readonly watchedSince = new Map<string, number>();

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
      this.kubeConfigs.set(c.name, c.kubeConfig);
      const common = {
        cluster: c.name,
        kubeConfig: c.kubeConfig,
        initialBackoffMs: options.initialBackoffMs,
        maxBackoffMs: options.maxBackoffMs,
        watchTimeoutSeconds: options.watchTimeoutSeconds,
        watchIdleTimeoutMs: options.watchIdleTimeoutMs,
        random: options.random,
        logger: options.logger,
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

  /** Called with a pool's id whenever it changes; cheaper than `onChange`, for callers that coalesce. */
  onPoolChange(listener: (id: PoolId) => void): () => void {
    this.idListeners.add(listener);
    return () => this.idListeners.delete(listener);
  }

  /** The names of the configured clusters. */
  clusters(): string[] {
    return [...this.kubeConfigs.keys()];
  }

  /** How to reach a configured cluster's API, for actions on its pods. */
  kubeConfigOf(cluster: string): KubeConfig | undefined {
    return this.kubeConfigs.get(cluster);
  }

  has(id: PoolId): boolean {
    return this.pools.has(id);
  }

  snapshots(): PoolSnapshot[] {
    return [...this.pools.keys()].map(id => this.snapshot(id)!);
  }

  snapshot(id: PoolId): PoolSnapshot | undefined {
    const p = this.pools.get(id);
    if (!p) return undefined;
    const pods = [...p.pods.values()];
    const warm = pods.filter(x => x.warm);
    const sync = this.podInformers.get(p.cluster)?.sync;
    const rate = this.arrivalRate(p);
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
      sessionsStarted: p.sessionsStarted,
      emptyEvents: p.emptyEvents,
      timeToReady: summarize(p.timeToReady),
      assignmentRatePerMinute: rate.perMinute,
      assignmentWindowMs: rate.windowMs,
      replenishLag: summarize(p.replenishLag),
      stale: sync?.stale ?? true,
      lastSyncedAt: sync?.lastSyncedAt?.toISOString(),
    };
  }

  summaries(): PoolSummary[] {
    return [...this.pools.keys()].sort().map(id => this.summary(id)!);
  }

  /** The snapshot plus the moments the pool ran empty since midnight UTC. */
  summary(id: PoolId): PoolSummary | undefined {
    const p = this.pools.get(id);
    const snapshot = this.snapshot(id);
    if (!p || !snapshot) return undefined;
    const today = Math.floor(this.now() / DAY_MS);
    return {
      ...snapshot,
      emptyEventsToday: p.emptyDay === today ? p.emptyToday : 0,
    };
  }

  /** Everything of a pool's detail that the tracker knows; the sizing advice is added by its caller. */
  detail(id: PoolId): Omit<PoolDetail, 'advice'> | undefined {
    const p = this.pools.get(id);
    const summary = this.summary(id);
    if (!p || !summary) return undefined;
    return {
      ...summary,
      sessionStartLatency: {
        warm: summarize(p.warmStartLatency),
        onDemand: summarize(p.onDemandStartLatency),
      },
      timeToReadyHistogram: histogram(p.timeToReady),
      recentEmptyAt: p.recentEmpty.map(t => new Date(t).toISOString()),
    };
  }

  sizingEvidence(id: PoolId): SizingEvidence | undefined {
    const p = this.pools.get(id);
    if (!p) return undefined;
    const rate = this.arrivalRate(p);
    return {
      currentTarget: this.targetOf(p),
      arrivalRatePerMinute: rate.perMinute,
      arrivals: rate.arrivals,
      observedMs: rate.observedMs,
      timeToReady: summarize(p.timeToReady),
    };
  }

  /**
   * Sessions that arrived in `(fromMs, toMs]`. Half-open, so consecutive spans count every arrival once; only
   * the last `activityRetentionMs` are known.
   */
  activity(id: PoolId, fromMs: number, toMs: number): PoolActivity {
    const p = this.pools.get(id);
    const within = (p?.arrivals ?? []).filter(
      a => a.at > fromMs && a.at <= toMs,
    );
    const onDemand = within.filter(a => a.onDemand).length;
    return {
      sessionsStarted: within.length,
      onDemandSessions: onDemand,
      emptyEvents: onDemand,
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

  private get windowMs(): number {
    return this.options.assignmentWindowMs ?? 5 * 60_000;
  }

  /**
   * Arrivals per minute over the window, or over the time the cluster has been watched when that is shorter
   * (but at least a minute, so that the first arrivals do not read as a storm).
   */
  private arrivalRate(p: PoolState) {
    const now = this.now();
    const windowMs = this.windowMs;
    const arrivals = p.arrivals.filter(a => a.at >= now - windowMs).length;
    const watched = now - (this.watchedSince.get(p.cluster) ?? now);
    const observedMs = Math.min(windowMs, Math.max(60_000, watched));
    return {
      windowMs,
      arrivals,
      observedMs,
      perMinute: arrivals / (observedMs / 60_000),
    };
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
        sessions: new Map(),
        sessionsPrunedAt: this.now(),
        sessionsStarted: 0,
        onDemandSessions: 0,
        emptyEvents: 0,
        arrivals: [],
        emptyDay: 0,
        emptyToday: 0,
        recentEmpty: [],
        timeToReady: [],
        replenishLag: [],
        warmStartLatency: [],
        onDemandStartLatency: [],
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
      this.forgetEndedSessions(p);
    } else {
      this.onPodSeen(p, pod, before, !this.watchedSince.has(cluster));
    }
    this.checkReplenished(p);
    this.notify(poolIdOf(p));
  }

  /**
   * Updates a pod's record and counts what its change means: a session arriving (the pod labelled
   * `assigned=true`, or created so), a session starting (its pod Ready), a pod's time to Ready.
   * `initialList` is the first list of the cluster: sessions already running then arrived before the watch and
   * are neither counted nor timed.
   */
  private onPodSeen(
    p: PoolState,
    pod: V1Pod,
    before: PodRecord | undefined,
    initialList: boolean,
  ) {
    const now = this.now();
    const warm = pod.metadata?.labels?.[this.labels.assigned] !== 'true';
    const sessionId = warm
      ? undefined
      : pod.metadata?.labels?.[this.labels.sessionId];
    const readyDate = isReady(pod);
    const createdAt =
      iso(pod.metadata?.creationTimestamp) ?? new Date(now).toISOString();
    const arriving =
      sessionId !== undefined && !p.sessions.has(sessionId) && !initialList;
    // Created already assigned, for a session not seen before: an on-demand session.
    const onDemand = before?.onDemand ?? arriving;
    const record: PodRecord = {
      name: pod.metadata?.name ?? '',
      warm,
      ready: readyDate !== undefined,
      onDemand,
      sessionId,
      createdAt,
      readyAt: iso(readyDate),
      awaitingStart: before?.awaitingStart,
    };
    p.pods.set(record.name, record);

    const becameReady = readyDate !== undefined && !before?.ready;
    if (becameReady) {
      const sample = readyDate.getTime() - Date.parse(createdAt);
      if (sample >= 0) this.sample(p.timeToReady, sample);
    }
    if (sessionId !== undefined) {
      const known = p.sessions.has(sessionId);
      p.sessions.set(sessionId, now);
      if (!known && arriving) {
        this.sessionArrived(p, Boolean(before?.warm), onDemand);
        // Arrival: the assignment as it is seen, or an on-demand pod's creation.
        record.awaitingStart = {
          arrivedAt: onDemand ? Date.parse(createdAt) : now,
          kind: onDemand ? 'onDemand' : 'warm',
        };
        // A warm pod that was Ready when it was assigned starts its session at once.
        if (!onDemand && before?.ready && readyDate) {
          this.sample(p.warmStartLatency, 0);
          record.awaitingStart = undefined;
        }
      }
    }
    if (record.awaitingStart && readyDate) {
      const { arrivedAt, kind } = record.awaitingStart;
      const samples =
        kind === 'warm' ? p.warmStartLatency : p.onDemandStartLatency;
      // Ready time comes from the cluster's clock, arrival of a warm pod from ours: never below zero.
      this.sample(samples, Math.max(0, readyDate.getTime() - arrivedAt));
      record.awaitingStart = undefined;
    }
  }

  private sessionArrived(
    p: PoolState,
    tookWarmPod: boolean,
    onDemand: boolean,
  ) {
    const now = this.now();
    p.sessionsStarted += 1;
    p.arrivals.push({ at: now, onDemand });
    const keepMs = Math.max(
      this.windowMs,
      this.options.activityRetentionMs ?? 15 * 60_000,
    );
    while (p.arrivals.length > 0 && p.arrivals[0].at < now - keepMs) {
      p.arrivals.shift();
    }
    if (onDemand) {
      // The session arrived to find no ready warm pod.
      p.onDemandSessions += 1;
      p.emptyEvents += 1;
      const today = Math.floor(now / DAY_MS);
      if (p.emptyDay !== today) {
        p.emptyDay = today;
        p.emptyToday = 0;
      }
      p.emptyToday += 1;
      p.recentEmpty.unshift(now);
      p.recentEmpty.length = Math.min(p.recentEmpty.length, RECENT_EMPTY_LIMIT);
    }
    if (tookWarmPod && p.replenishSince === undefined) p.replenishSince = now;
  }

  private forgetEndedSessions(p: PoolState) {
    const now = this.now();
    if (now - p.sessionsPrunedAt < 60_000) return;
    p.sessionsPrunedAt = now;
    const current = new Set([...p.pods.values()].map(r => r.sessionId));
    for (const [sessionId, seenAt] of p.sessions) {
      if (!current.has(sessionId) && seenAt < now - SESSION_MEMORY_MS) {
        p.sessions.delete(sessionId);
      }
    }
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

  private onSync(cluster: string, sync: InformerSync) {
    if (!sync.stale && !this.watchedSince.has(cluster)) {
      this.watchedSince.set(cluster, this.now());
    }
    for (const [id, p] of this.pools) {
      if (p.cluster === cluster) this.notify(id);
    }
  }

  private notify(id: PoolId) {
    for (const l of this.idListeners) l(id);
    if (this.listeners.size === 0) return;
    const snapshot = this.snapshot(id);
    if (!snapshot) return;
    for (const l of this.listeners) l(snapshot);
  }
}
