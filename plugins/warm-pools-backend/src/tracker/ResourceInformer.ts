import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  V1Deployment,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';

/** A change to one object, as the informer saw it. */
export type InformerEvent<T> =
  | { type: 'added'; object: T }
  | { type: 'modified'; object: T; previous: T }
  | { type: 'deleted'; object: T };

/** In sync (`stale: false`) after a successful list; stale from a lost connection until the next one. */
export interface InformerSync {
  stale: boolean;
  /** When the informer last knew it was in sync: a list, an event or a bookmark. */
  lastSyncedAt?: Date;
  error?: Error;
}

export interface InformerList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export interface ResourceInformerOptions<T> {
  cluster: string;
  kubeConfig: KubeConfig;
  /** The all-namespaces watch path, e.g. `/api/v1/pods`. */
  path: string;
  list: (labelSelector?: string) => Promise<InformerList<T>>;
  labelSelector?: string;
  /**
   * Reconnect delays: the cap doubles per failed attempt from `initialBackoffMs` up to `maxBackoffMs`, and each
   * delay is drawn uniformly below its cap (full jitter), so that replicas cut off together do not come back
   * together.
   */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Uniform in [0, 1); `Math.random` by default (tests inject a seeded one). */
  random?: () => number;
  /**
   * A watch that brings no event and no bookmark for this long is taken for hung (a proxy that keeps the
   * connection and passes nothing), aborted and started again from a fresh list; 180 000 ms (three of the
   * API server's one-minute bookmarks) by default.
   */
  watchIdleTimeoutMs?: number;
  logger?: LoggerService;
  /** The server ends each watch after this long and it is resumed, as client-go's reflector does; 300 by default. */
  watchTimeoutSeconds?: number;
  /**
   * How long a list, or a watch's first answer, may take before the attempt counts as failed (and is retried with
   * backoff); 30 000 ms by default. Without it, an API server that accepts the connection and never answers
   * would leave the cluster's pools frozen and not even marked stale.
   */
  requestTimeoutMs?: number;
  now?: () => number;
  /**
   * What of each object the cache keeps (and events carry): by default all of it. A tracker that reads a few
   * fields keeps memory flat at fleet scale by keeping only those.
   */
  keep?: (object: T) => T;
}

function keyOf(o: KubernetesObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first): full jitter, uniform in
 * [0, min(maxMs, initialMs × 2^attempt)).
 */
export function backoffDelayMs(
  attempt: number,
  options: { initialMs: number; maxMs: number; random: () => number },
): number {
  const cap = Math.min(options.initialMs * 2 ** attempt, options.maxMs);
  return Math.floor(options.random() * cap);
}

function statusCodeOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e?.code === 'number') return e.code;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  return undefined;
}

/**
 * List + watch of one resource on one cluster, kept as a local cache.
 *
 * Written over client-node's `Watch` rather than its `makeInformer`: that informer does not ask for bookmarks
 * (so a quiet watch's resourceVersion ages until every reconnect is a 410 and a full re-list), and on a lost
 * connection it reports an error and stops, leaving reconnecting and staleness to every caller. Here the watch
 * asks for bookmarks, a 410 Gone re-lists and emits the differences between the cache and the fresh list (so no
 * change is lost), and any other failure reconnects with exponential backoff, marking the cluster stale meanwhile.
 */
export class ResourceInformer<T extends KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private readonly listeners = new Set<(event: InformerEvent<T>) => void>();
  private readonly syncListeners = new Set<(sync: InformerSync) => void>();
  private readonly watch: Watch;
  private readonly now: () => number;
  private resourceVersion = '';
  private request?: AbortController;
  private retryTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  /** When the current watch last brought anything (local monotonic time: only durations are taken of it). */
  private lastHeardAt = 0;
  private failures = 0;
  private running = false;
  // which watch is current; a late answer to one given up on is ignored
  private watchAttempt = 0;
  private state: InformerSync = { stale: true };
  private firstSync?: { resolve: () => void; promise: Promise<void> };

  constructor(private readonly options: ResourceInformerOptions<T>) {
    this.watch = new Watch(options.kubeConfig);
    this.now = options.now ?? Date.now;
    let resolve!: () => void;
    const promise = new Promise<void>(r => {
      resolve = r;
    });
    this.firstSync = { resolve, promise };
  }

  get cluster(): string {
    return this.options.cluster;
  }

  get sync(): InformerSync {
    return { ...this.state };
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  onEvent(listener: (event: InformerEvent<T>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onSync(listener: (sync: InformerSync) => void): () => void {
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  /** Starts listing and watching; resolves after the first successful list. */
  start(): Promise<void> {
    if (!this.running) {
      this.running = true;
      void this.run();
    }
    return this.firstSync!.promise;
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    clearInterval(this.idleTimer);
    this.request?.abort();
    this.request = undefined;
  }

  private async run(): Promise<void> {
    if (!this.running) return;
    try {
      if (!this.resourceVersion) await this.relist();
      await this.startWatch();
    } catch (error) {
      this.fail(error);
    }
  }

  private async relist(): Promise<void> {
    const list = await this.within(
      this.options.list(this.options.labelSelector),
      'list',
    );
    if (!this.running) return;
    const fresh = new Map(list.items.map(o => [keyOf(o), this.keep(o)]));
    // The fresh list is the new truth: whatever the cache has that it lacks was deleted meanwhile.
    for (const [key, old] of [...this.cache]) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.emit({ type: 'deleted', object: old });
      }
    }
    for (const [key, object] of fresh) this.apply(key, object);
    this.resourceVersion = list.metadata?.resourceVersion ?? '';
    this.failures = 0;
    this.setSync({ stale: false, lastSyncedAt: new Date(this.now()) });
    this.firstSync?.resolve();
  }

  private apply(key: string, object: T) {
    const previous = this.cache.get(key);
    this.cache.set(key, object);
    if (!previous) {
      this.emit({ type: 'added', object });
    } else if (
      previous.metadata?.resourceVersion !== object.metadata?.resourceVersion
    ) {
      this.emit({ type: 'modified', object, previous });
    }
  }

  private async startWatch(): Promise<void> {
    let gone = false;
    const attempt = ++this.watchAttempt;
    const onEvent = (type: string, object: any) => {
      if (attempt !== this.watchAttempt) return;
      this.lastHeardAt = performance.now();
      if (type === 'ERROR') {
        if (statusCodeOf(object) === 410) gone = true;
        return;
      }
      const rv = object?.metadata?.resourceVersion;
      if (type === 'ADDED' || type === 'MODIFIED') {
        this.apply(keyOf(object), this.keep(object as T));
      } else if (type === 'DELETED') {
        const key = keyOf(object);
        const old = this.cache.get(key);
        this.cache.delete(key);
        this.emit({
          type: 'deleted',
          object: object ? this.keep(object as T) : old!,
        });
      } else if (type !== 'BOOKMARK') {
        return;
      }
      if (rv) this.resourceVersion = rv;
      // An event or bookmark proves the watch is live.
      this.state = { stale: false, lastSyncedAt: new Date(this.now()) };
    };
    const onDone = (error: unknown) => {
      if (attempt !== this.watchAttempt) return;
      clearInterval(this.idleTimer);
      this.request = undefined;
      if (!this.running) return;
      if (gone || statusCodeOf(error) === 410) {
        // Expired resourceVersion: re-list at once; not a connection problem, so not stale.
        this.resourceVersion = '';
        void this.run();
      } else if (error) {
        this.fail(error);
      } else {
        // The server ended the watch (timeout): resume from the last resourceVersion.
        void this.run();
      }
    };
    const query: Record<string, string | number | boolean> = {
      allowWatchBookmarks: true,
      resourceVersion: this.resourceVersion,
      timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
    };
    if (this.options.labelSelector)
      query.labelSelector = this.options.labelSelector;
    const pending = this.watch.watch(this.options.path, query, onEvent, onDone);
    let request: AbortController;
    try {
      request = await this.within(pending, 'watch');
    } catch (error) {
      // given up on: end it should it answer after all
      this.watchAttempt++;
      pending.then(
        late => late.abort(),
        () => undefined,
      );
      throw error;
    }
    if (this.running) {
      this.request = request;
      this.watchForStall(attempt);
    } else {
      request.abort();
    }
  }

  /** Aborts and restarts (from a fresh list) the watch `attempt` once it has been silent too long. */
  private watchForStall(attempt: number) {
    const idleMs = this.options.watchIdleTimeoutMs ?? 180_000;
    this.lastHeardAt = performance.now();
    clearInterval(this.idleTimer);
    this.idleTimer = setInterval(() => {
      if (attempt !== this.watchAttempt || !this.running) {
        clearInterval(this.idleTimer);
        return;
      }
      const silentMs = performance.now() - this.lastHeardAt;
      if (silentMs < idleMs) return;
      clearInterval(this.idleTimer);
      this.options.logger?.warn(
        `the watch of ${this.options.path} on cluster ${
          this.options.cluster
        } brought no event and no bookmark for ${Math.round(
          silentMs,
        )} ms: restarting it from a fresh list`,
      );
      // Its late events, should it wake up, belong to a watch given up on.
      this.watchAttempt++;
      this.request?.abort();
      this.request = undefined;
      this.resourceVersion = '';
      void this.run();
    }, Math.max(10, Math.min(1000, idleMs / 4)));
    this.idleTimer.unref?.();
  }

  /** `promise`, or a ServiceUnavailableError naming the cluster once `requestTimeoutMs` has passed. */
  private within<R>(promise: Promise<R>, what: string): Promise<R> {
    const ms = this.options.requestTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServiceUnavailableError(
              `cluster ${this.options.cluster} did not answer the ${what} of ${this.options.path} within ${ms} ms`,
            ),
          ),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private fail(error: unknown) {
    if (!this.running) return;
    this.setSync({
      stale: true,
      lastSyncedAt: this.state.lastSyncedAt,
      error: error instanceof Error ? error : new Error(String(error)),
    });
    const delay = backoffDelayMs(this.failures, {
      initialMs: this.options.initialBackoffMs ?? 250,
      maxMs: this.options.maxBackoffMs ?? 30_000,
      random: this.options.random ?? Math.random,
    });
    this.failures += 1;
    // A fresh list on reconnect: events may have been missed while the connection was down.
    this.resourceVersion = '';
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.run(), delay);
    this.retryTimer.unref?.();
  }

  private keep(object: T): T {
    return this.options.keep ? this.options.keep(object) : object;
  }

  private setSync(sync: InformerSync) {
    this.state = sync;
    for (const l of this.syncListeners) l({ ...sync });
  }

  private emit(event: InformerEvent<T>) {
    for (const l of this.listeners) l(event);
  }
}

/**
 * What the pool tracker reads of a pod: name, namespace, labels, creation and deletion times, the Ready
 * condition. A full pod is several kilobytes in memory; this is about a tenth of that.
 */
export function keepPoolFields(pod: V1Pod): V1Pod {
  const m = pod.metadata ?? {};
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      labels: m.labels,
      creationTimestamp: m.creationTimestamp,
      deletionTimestamp: m.deletionTimestamp,
    },
    status: {
      phase: pod.status?.phase,
      conditions: ready
        ? [
            {
              type: 'Ready',
              status: ready.status,
              lastTransitionTime: ready.lastTransitionTime,
            },
          ]
        : undefined,
    },
  };
}

/** Pods on every namespace of one cluster. */
export class PodInformer extends ResourceInformer<V1Pod> {
  constructor(options: Omit<ResourceInformerOptions<V1Pod>, 'path' | 'list'>) {
    const core = options.kubeConfig.makeApiClient(CoreV1Api);
    super({
      keep: keepPoolFields,
      ...options,
      path: '/api/v1/pods',
      list: labelSelector => core.listPodForAllNamespaces({ labelSelector }),
    });
  }
}

/** Deployments on every namespace of one cluster (the provisioners, which carry a pool's target). */
export class DeploymentInformer extends ResourceInformer<V1Deployment> {
  constructor(
    options: Omit<ResourceInformerOptions<V1Deployment>, 'path' | 'list'>,
  ) {
    const apps = options.kubeConfig.makeApiClient(AppsV1Api);
    super({
      ...options,
      path: '/apis/apps/v1/deployments',
      list: labelSelector =>
        apps.listDeploymentForAllNamespaces({ labelSelector }),
    });
  }
}
