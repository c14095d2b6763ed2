import { randomBytes } from 'node:crypto';
import { isPodReady } from '../kubernetes/controllers';
import { draw, Distribution } from '../kubernetes/distributions';
import { typeOfKind } from '../kubernetes/resources';
import type { SandboxCluster } from '../kubernetes/SandboxCluster';
import type { KubeObject } from '../kubernetes/types';

const JOB = typeOfKind('Job');
const POD = typeOfKind('Pod');
const DEPLOYMENT = typeOfKind('Deployment');

/** The annotation on the provisioner Deployment that states the pool's target size. */
export const WARM_POOL_TARGET_ANNOTATION = 'fleetdeck.io/warm-pool-target';

export interface WarmPoolOptions {
  namespace: string;
  /** Value of the `pool` label (seed 003: `warm`). */
  pool?: string;
  size?: number;
  /** Session arrivals per minute (Poisson); 0 for none. */
  arrivalsPerMinute?: number;
  sessionDuration?: Distribution;
  replenishIntervalMs?: number;
  image?: string;
  /** `backstage.io/kubernetes-id` put on the provisioner and its pods, so an entity's Kubernetes tab shows them. */
  kubernetesId?: string;
  random?: () => number;
}

/** What the provisioner itself knows, for tests to compare with what a dashboard computes. */
export interface WarmPoolTruth {
  target: number;
  warmReady: number;
  warmPending: number;
  assigned: number;
  activeSessions: number;
  sessionsStarted: number;
  onDemandSessions: number;
  /** Moments a session arrived and found no ready warm pod. */
  emptyEvents: number;
}

/**
 * Seed 003's session provisioner inside a sandbox cluster: keeps `size` warm pods (one Job each, labelled
 * `pool=<pool>,assigned=false`), hands a ready one to each arriving session (relabelled `assigned=true`,
 * `session-id=<id>` — on the Job's template too, so a terminated pod comes back for the same session), creates
 * an on-demand Job when none is ready, deletes the Job when the session ends, and replenishes in the background.
 */
export class WarmPoolProvisioner {
  private readonly pool: string;
  private size: number;
  private arrivalsPerMinute: number;
  private readonly sessions = new Map<
    string,
    { job: string; timer?: NodeJS.Timeout }
  >();
  private arrivalTimer?: NodeJS.Timeout;
  private replenishTimer?: NodeJS.Timeout;
  private counters = {
    sessionsStarted: 0,
    onDemandSessions: 0,
    emptyEvents: 0,
  };
  private readonly random: () => number;

  constructor(
    private readonly cluster: SandboxCluster,
    private readonly options: WarmPoolOptions,
  ) {
    this.pool = options.pool ?? 'warm';
    this.size = options.size ?? 4;
    this.arrivalsPerMinute = options.arrivalsPerMinute ?? 0;
    this.random = options.random ?? Math.random;
  }

  get namespace(): string {
    return this.options.namespace;
  }

  get poolName(): string {
    return this.pool;
  }

  start(): void {
    this.cluster.ensureNamespace(this.namespace);
    this.cluster.store.create(DEPLOYMENT, this.namespace, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'session-provisioner',
        labels: { app: 'session-provisioner', ...this.entityLabel() },
        annotations: {
          [WARM_POOL_TARGET_ANNOTATION]: `${this.pool}=${this.size}`,
        },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'session-provisioner' } },
        template: {
          metadata: {
            labels: { app: 'session-provisioner', ...this.entityLabel() },
          },
          spec: {
            containers: [
              {
                name: 'provisioner',
                image: 'session-provisioner:1.4.0',
                env: [{ name: 'WARM_POOL_SIZE', value: String(this.size) }],
              },
            ],
          },
        },
      },
    });
    this.replenish();
    this.replenishTimer = setInterval(
      () => this.replenish(),
      this.options.replenishIntervalMs ?? 500,
    );
    this.replenishTimer.unref();
    this.scheduleArrival();
  }

  stop(): void {
    clearTimeout(this.arrivalTimer);
    clearInterval(this.replenishTimer);
    for (const s of this.sessions.values()) clearTimeout(s.timer);
    this.sessions.clear();
  }

  setArrivalRate(perMinute: number): void {
    this.arrivalsPerMinute = perMinute;
    clearTimeout(this.arrivalTimer);
    this.scheduleArrival();
  }

  setTargetSize(size: number): void {
    this.size = size;
    this.cluster.store.update(
      DEPLOYMENT,
      this.namespace,
      'session-provisioner',
      d => ({
        ...d,
        metadata: {
          ...d.metadata,
          annotations: {
            ...(d.metadata.annotations ?? {}),
            [WARM_POOL_TARGET_ANNOTATION]: `${this.pool}=${size}`,
          },
        },
      }),
    );
  }

  private entityLabel(): Record<string, string> {
    return this.options.kubernetesId
      ? { 'backstage.io/kubernetes-id': this.options.kubernetesId }
      : {};
  }

  private scheduleArrival() {
    if (this.arrivalsPerMinute <= 0) return;
    // Poisson arrivals: exponential gaps with mean 60 000 / rate ms.
    const gap = draw(
      { kind: 'exponential', meanMs: 60_000 / this.arrivalsPerMinute },
      this.random,
    );
    this.arrivalTimer = setTimeout(() => {
      this.requestSession();
      this.scheduleArrival();
    }, gap);
    this.arrivalTimer.unref();
  }

  private pods(): KubeObject[] {
    return this.cluster.store
      .list(POD, this.namespace)
      .filter(p => p.metadata.labels?.pool === this.pool);
  }

  /** `POST /session`: a ready warm pod if there is one, otherwise an on-demand pod. */
  requestSession(): { sessionId: string; pod?: string; warm: boolean } {
    const sessionId = randomBytes(6).toString('hex');
    this.counters.sessionsStarted += 1;
    const warm = this.pods().find(
      p => p.metadata.labels?.assigned === 'false' && isPodReady(p),
    );
    let jobName: string;
    let podName: string | undefined;
    if (warm) {
      const sessionLabels = { assigned: 'true', 'session-id': sessionId };
      this.cluster.store.update(POD, this.namespace, warm.metadata.name, p => ({
        ...p,
        metadata: {
          ...p.metadata,
          labels: { ...p.metadata.labels, ...sessionLabels },
        },
      }));
      jobName = warm.metadata.labels!['job-name'];
      this.cluster.store.update(JOB, this.namespace, jobName, j => {
        const next = structuredClone(j);
        next.metadata.labels = {
          ...(next.metadata.labels ?? {}),
          ...sessionLabels,
        };
        next.spec.template.metadata.labels = {
          ...next.spec.template.metadata.labels,
          ...sessionLabels,
        };
        return next;
      });
      podName = warm.metadata.name;
    } else {
      this.counters.emptyEvents += 1;
      this.counters.onDemandSessions += 1;
      jobName = this.createJob({
        assigned: 'true',
        'session-id': sessionId,
        'fleetdeck.io/on-demand': 'true',
      }).metadata.name;
    }
    const timer = setTimeout(
      () => this.endSession(sessionId),
      draw(
        this.options.sessionDuration ?? {
          kind: 'lognormal',
          medianMs: 45_000,
          sigma: 0.6,
        },
        this.random,
      ),
    );
    timer.unref();
    this.sessions.set(sessionId, { job: jobName, timer });
    return { sessionId, pod: podName, warm: Boolean(warm) };
  }

  endSession(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    clearTimeout(session.timer);
    this.sessions.delete(sessionId);
    if (this.cluster.store.tryGet(JOB, this.namespace, session.job)) {
      this.cluster.store.delete(JOB, this.namespace, session.job);
    }
  }

  private createJob(labels: Record<string, string>): KubeObject {
    const podLabels = {
      app: 'websocket-server',
      pool: this.pool,
      ...this.entityLabel(),
      ...labels,
    };
    return this.cluster.store.create(JOB, this.namespace, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        generateName: 'websocket-server-',
        name: '',
        labels: podLabels,
      },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: podLabels },
          spec: {
            restartPolicy: 'Never',
            containers: [
              {
                name: 'websocket-server',
                image: this.options.image ?? 'websocket-server:2.1.0',
                ports: [{ containerPort: 8080 }],
              },
            ],
          },
        },
      },
    });
  }

  /** Background replenishment: top the warm pods (ready or starting) back up to the target. */
  private replenish() {
    const warm = this.cluster.store
      .list(JOB, this.namespace)
      .filter(
        j =>
          j.metadata.labels?.pool === this.pool &&
          j.metadata.labels?.assigned === 'false',
      ).length;
    for (let i = warm; i < this.size; i++)
      this.createJob({ assigned: 'false' });
  }

  truth(): WarmPoolTruth {
    const pods = this.pods();
    const warm = pods.filter(p => p.metadata.labels?.assigned === 'false');
    return {
      target: this.size,
      warmReady: warm.filter(isPodReady).length,
      warmPending: warm.filter(p => !isPodReady(p)).length,
      assigned: pods.filter(p => p.metadata.labels?.assigned === 'true').length,
      activeSessions: this.sessions.size,
      ...this.counters,
    };
  }
}
