import { createHash } from 'node:crypto';
import { ClusterStore, StoreEvent } from './ClusterStore';
import { draw, Distribution } from './distributions';
import { typeOfKind } from './resources';
import type { KubeObject } from './types';

const POD = typeOfKind('Pod');
const NODE = typeOfKind('Node');
const NAMESPACE = typeOfKind('Namespace');
const DEPLOYMENT = typeOfKind('Deployment');
const REPLICASET = typeOfKind('ReplicaSet');
const STATEFULSET = typeOfKind('StatefulSet');
const DAEMONSET = typeOfKind('DaemonSet');
const JOB = typeOfKind('Job');

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function templateHash(template: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(template ?? {}))
    .digest('hex')
    .slice(0, 10);
}

function ownerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function ownedBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some(
    r => r.uid === owner.metadata.uid,
  );
}

export function isPodReady(p: KubeObject): boolean {
  return (p.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Ready' && c.status === 'True',
  );
}

export interface ControllerOptions {
  /** Creation → Ready for every pod. */
  timeToReady: Distribution;
  /** The image of the sidecar injected into pods of namespaces labelled `istio-injection=enabled`. */
  proxyImage: (istioVersion: string) => string;
  random?: () => number;
}

/**
 * The controllers that make a sandbox cluster behave like a cluster: Deployments → ReplicaSets → Pods with
 * rolling replacement, StatefulSets, DaemonSets, Jobs, the kubelet moving pods Pending → Running/Ready, the
 * garbage collector following ownerReferences, namespace deletion, and Istio's sidecar injection.
 * Reconciles are event-driven (a dirty set drained on the next tick) with a periodic resync, so thousands of
 * pods cost little when nothing changes.
 */
export class ClusterControllers {
  private readonly dirty = new Map<
    string,
    { kind: string; namespace: string; name: string }
  >();
  private drainScheduled = false;
  private readonly readyTimers = new Map<string, NodeJS.Timeout>();
  private readonly resync: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private nodeCursor = 0;
  private stopped = false;

  constructor(
    private readonly store: ClusterStore,
    private readonly options: ControllerOptions,
  ) {
    store.setAdmission((t, obj) => (t === POD ? this.admitPod(obj) : obj));
    this.unsubscribe = store.onChange(e => this.observe(e));
    this.resync = setInterval(() => this.resyncAll(), 2_000);
    this.resync.unref();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.resync);
    for (const t of this.readyTimers.values()) clearTimeout(t);
    this.readyTimers.clear();
    this.store.setAdmission(undefined);
  }

  /** The Istio version that istiod (`istio-system/istiod`) is deployed at, from its image tag. */
  istioVersion(): string | undefined {
    const istiod = this.store.tryGet(DEPLOYMENT, 'istio-system', 'istiod');
    const image: string | undefined =
      istiod?.spec?.template?.spec?.containers?.[0]?.image;
    return image?.split(':').pop();
  }

  /** Mutating admission for pods: scheduling and Istio's sidecar injection happen as the pod is created. */
  private admitPod(pod: KubeObject): KubeObject {
    const namespace = this.store.tryGet(
      NAMESPACE,
      undefined,
      pod.metadata.namespace ?? '',
    );
    const labels = namespace?.metadata.labels ?? {};
    const injected =
      labels['istio-injection'] === 'enabled' ||
      labels['istio.io/rev'] !== undefined;
    const version = this.istioVersion();
    pod.spec = { ...(pod.spec ?? {}) };
    const containers = [...(pod.spec.containers ?? [])];
    if (
      injected &&
      version &&
      pod.metadata.annotations?.['sidecar.istio.io/inject'] !== 'false' &&
      !containers.some(c => c.name === 'istio-proxy')
    ) {
      containers.push({
        name: 'istio-proxy',
        image: this.options.proxyImage(version),
        args: ['proxy', 'sidecar'],
      });
      pod.metadata.annotations = {
        ...(pod.metadata.annotations ?? {}),
        'sidecar.istio.io/status': JSON.stringify({
          revision: 'default',
          containers: ['istio-proxy'],
        }),
      };
    }
    pod.spec.containers = containers;
    if (!pod.spec.nodeName) {
      const nodes = this.store.list(NODE).filter(isNodeReady);
      if (nodes.length > 0) {
        pod.spec.nodeName =
          nodes[this.nodeCursor++ % nodes.length].metadata.name;
      }
    }
    pod.status = {
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: pod.spec.nodeName ? 'True' : 'False',
          lastTransitionTime: now(),
        },
      ],
      qosClass: 'Burstable',
    };
    return pod;
  }

  private observe(e: StoreEvent): void {
    if (this.stopped) return;
    const o = e.object;
    const ns = o.metadata.namespace ?? '';
    if (e.type === 'DELETED') {
      this.collectGarbage(o);
      if (o.kind === 'Namespace') this.deleteNamespaceContents(o.metadata.name);
      if (o.kind === 'Pod') {
        clearTimeout(this.readyTimers.get(o.metadata.uid!));
        this.readyTimers.delete(o.metadata.uid!);
      }
    }
    if (o.kind === 'Pod') {
      if (e.type === 'ADDED') this.startPod(o);
      for (const ref of o.metadata.ownerReferences ?? [])
        this.markDirty(ref.kind, ns, ref.name);
    } else if (o.kind === 'ReplicaSet') {
      this.markDirty('ReplicaSet', ns, o.metadata.name);
      for (const ref of o.metadata.ownerReferences ?? [])
        this.markDirty(ref.kind, ns, ref.name);
    } else if (
      ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind) &&
      e.type !== 'DELETED'
    ) {
      this.markDirty(o.kind, ns, o.metadata.name);
    } else if (o.kind === 'Node') {
      for (const ds of this.store.list(DAEMONSET))
        this.markDirty('DaemonSet', ds.metadata.namespace!, ds.metadata.name);
    }
  }

  private markDirty(kind: string, namespace: string, name: string) {
    this.dirty.set(`${kind}/${namespace}/${name}`, { kind, namespace, name });
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain() {
    this.drainScheduled = false;
    // Children first, so a Deployment sees its ReplicaSets' fresh status.
    const order = [
      'ReplicaSet',
      'Job',
      'StatefulSet',
      'DaemonSet',
      'Deployment',
    ];
    const items = [...this.dirty.values()].sort(
      (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind),
    );
    this.dirty.clear();
    for (const item of items) {
      if (this.stopped) return;
      try {
        this.reconcile(item.kind, item.namespace, item.name);
      } catch {
        // A conflicting write between two reconciles: the resync or the next event retries.
        this.markDirty(item.kind, item.namespace, item.name);
      }
    }
  }

  private resyncAll() {
    for (const t of [REPLICASET, JOB, STATEFULSET, DAEMONSET, DEPLOYMENT]) {
      for (const o of this.store.list(t))
        this.markDirty(o.kind, o.metadata.namespace!, o.metadata.name);
    }
  }

  private reconcile(kind: string, namespace: string, name: string) {
    switch (kind) {
      case 'ReplicaSet':
        return this.reconcileReplicaSet(namespace, name);
      case 'Deployment':
        return this.reconcileDeployment(namespace, name);
      case 'StatefulSet':
        return this.reconcileStatefulSet(namespace, name);
      case 'DaemonSet':
        return this.reconcileDaemonSet(namespace, name);
      case 'Job':
        return this.reconcileJob(namespace, name);
      default:
        return undefined;
    }
  }

  /** The kubelet: Pending until the drawn time-to-ready has passed, then Running and Ready. */
  private startPod(pod: KubeObject) {
    const uid = pod.metadata.uid!;
    const delay = Math.max(
      0,
      draw(this.options.timeToReady, this.options.random),
    );
    const timer = setTimeout(() => {
      this.readyTimers.delete(uid);
      const current = this.store.tryGet(
        POD,
        pod.metadata.namespace,
        pod.metadata.name,
      );
      if (!current || current.metadata.uid !== uid) return;
      const at = now();
      this.store.update(
        POD,
        pod.metadata.namespace,
        pod.metadata.name,
        p => ({
          ...p,
          status: {
            ...p.status,
            phase: 'Running',
            startTime: p.status?.startTime ?? at,
            podIP: `10.${Math.floor(Math.random() * 250)}.${Math.floor(
              Math.random() * 250,
            )}.${Math.floor(Math.random() * 250)}`,
            conditions: [
              {
                type: 'PodScheduled',
                status: 'True',
                lastTransitionTime: p.metadata.creationTimestamp,
              },
              { type: 'Initialized', status: 'True', lastTransitionTime: at },
              {
                type: 'ContainersReady',
                status: 'True',
                lastTransitionTime: at,
              },
              { type: 'Ready', status: 'True', lastTransitionTime: at },
            ],
            containerStatuses: (p.spec?.containers ?? []).map(
              (c: { name: string; image: string }) => ({
                name: c.name,
                image: c.image,
                imageID: `${c.image}@sha256:${templateHash(c.image)}`,
                ready: true,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: at } },
              }),
            ),
          },
        }),
        'status',
      );
    }, delay);
    timer.unref();
    this.readyTimers.set(uid, timer);
  }

  private collectGarbage(owner: KubeObject) {
    const uid = owner.metadata.uid;
    for (const t of [REPLICASET, POD, JOB]) {
      for (const o of this.store.list(t, owner.metadata.namespace)) {
        if ((o.metadata.ownerReferences ?? []).some(r => r.uid === uid)) {
          this.tryDelete(o);
        }
      }
    }
  }

  private deleteNamespaceContents(namespace: string) {
    for (const t of [
      DEPLOYMENT,
      STATEFULSET,
      DAEMONSET,
      JOB,
      REPLICASET,
      POD,
      typeOfKind('Service'),
      typeOfKind('ConfigMap'),
      typeOfKind('Event'),
      typeOfKind('HelmRelease'),
    ]) {
      for (const o of this.store.list(t, namespace)) this.tryDelete(o);
    }
  }

  private tryDelete(o: KubeObject) {
    const t = typeOfKind(o.kind ?? '');
    if (this.store.tryGet(t, o.metadata.namespace, o.metadata.name)) {
      this.store.delete(t, o.metadata.namespace, o.metadata.name);
    }
  }

  private podsOf(owner: KubeObject): KubeObject[] {
    return this.store
      .list(POD, owner.metadata.namespace)
      .filter(p => ownedBy(p, owner));
  }

  private createPod(
    owner: KubeObject,
    template: any,
    name: { name?: string; generateName?: string },
    extraLabels: Record<string, string> = {},
  ) {
    const meta = template?.metadata ?? {};
    this.store.create(POD, owner.metadata.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...name,
        name: name.name ?? '',
        labels: { ...(meta.labels ?? {}), ...extraLabels },
        annotations: meta.annotations,
        ownerReferences: [ownerRef(owner)],
      },
      spec: structuredClone(template?.spec ?? {}),
    });
  }

  private reconcileReplicaSet(namespace: string, name: string) {
    const rs = this.store.tryGet(REPLICASET, namespace, name);
    if (!rs) return;
    const desired = rs.spec?.replicas ?? 1;
    const pods = this.podsOf(rs);
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) {
        this.createPod(rs, rs.spec.template, { generateName: `${name}-` });
      }
    } else if (pods.length > desired) {
      // Not-ready pods go first, then the youngest, as the ReplicaSet controller prefers.
      const victims = [...pods].sort(
        (a, b) =>
          Number(isPodReady(a)) - Number(isPodReady(b)) ||
          (b.metadata.creationTimestamp ?? '').localeCompare(
            a.metadata.creationTimestamp ?? '',
          ),
      );
      for (const p of victims.slice(0, pods.length - desired))
        this.tryDelete(p);
    }
    const current = this.podsOf(rs);
    const ready = current.filter(isPodReady).length;
    this.store.update(
      REPLICASET,
      namespace,
      name,
      o => {
        const status = {
          replicas: current.length,
          fullyLabeledReplicas: current.length,
          readyReplicas: ready,
          availableReplicas: ready,
          observedGeneration: o.metadata.generation,
        };
        return JSON.stringify(o.status) === JSON.stringify(status)
          ? undefined
          : { ...o, status };
      },
      'status',
    );
  }

  private reconcileDeployment(namespace: string, name: string) {
    const d = this.store.tryGet(DEPLOYMENT, namespace, name);
    if (!d) return;
    const desired = d.spec?.replicas ?? 1;
    const hash = templateHash(d.spec?.template);
    const owned = this.store
      .list(REPLICASET, namespace)
      .filter(rs => ownedBy(rs, d));
    let current = owned.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const old = owned.filter(rs => rs !== current);
    const replicasOf = (rs: KubeObject) => rs.spec?.replicas ?? 0;
    const readyOf = (rs: KubeObject) => rs.status?.readyReplicas ?? 0;
    const oldTotal = old.reduce((n, rs) => n + replicasOf(rs), 0);
    if (!current) {
      const template = structuredClone(d.spec?.template ?? {});
      template.metadata = {
        ...(template.metadata ?? {}),
        labels: {
          ...(template.metadata?.labels ?? {}),
          'pod-template-hash': hash,
        },
      };
      current = this.store.create(REPLICASET, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          labels: {
            ...(d.spec?.template?.metadata?.labels ?? {}),
            'pod-template-hash': hash,
          },
          annotations: {
            'deployment.kubernetes.io/revision': String(owned.length + 1),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: oldTotal === 0 ? desired : Math.min(1, desired),
          selector: {
            matchLabels: {
              ...(d.spec?.selector?.matchLabels ?? {}),
              'pod-template-hash': hash,
            },
          },
          template,
        },
      });
      return;
    }
    const scale = (rs: KubeObject, replicas: number) =>
      this.store.update(REPLICASET, namespace, rs.metadata.name, o => ({
        ...o,
        spec: { ...o.spec, replicas },
      }));
    // Rolling update with maxSurge 1 and maxUnavailable 0: one new pod up, then one old pod down.
    const newReplicas = replicasOf(current);
    const newReady = readyOf(current);
    const oldReady = old.reduce((n, rs) => n + readyOf(rs), 0);
    if (oldTotal === 0 && newReplicas !== desired) {
      scale(current, desired);
    } else if (oldTotal > 0) {
      if (newReady + oldReady > desired) {
        const victim = old.find(rs => replicasOf(rs) > 0)!;
        scale(victim, replicasOf(victim) - 1);
      } else if (
        newReplicas < desired &&
        newReady === newReplicas &&
        newReplicas + oldTotal <= desired
      ) {
        scale(current, newReplicas + 1);
      }
    }
    for (const rs of old) {
      if (
        replicasOf(rs) === 0 &&
        (rs.status?.replicas ?? 0) === 0 &&
        owned.length > 3
      )
        this.tryDelete(rs);
    }
    const all = this.store
      .list(REPLICASET, namespace)
      .filter(rs => ownedBy(rs, d));
    const total = all.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    const ready = all.reduce((n, rs) => n + readyOf(rs), 0);
    const updated =
      this.store.tryGet(REPLICASET, namespace, current.metadata.name)?.status
        ?.replicas ?? 0;
    const complete =
      updated === desired && total === desired && ready === desired;
    this.store.update(
      DEPLOYMENT,
      namespace,
      name,
      o => {
        const status = {
          observedGeneration: o.metadata.generation,
          replicas: total,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: ready,
          unavailableReplicas: Math.max(0, desired - ready),
          conditions: [
            {
              type: 'Available',
              status: ready >= desired ? 'True' : 'False',
              reason:
                ready >= desired
                  ? 'MinimumReplicasAvailable'
                  : 'MinimumReplicasUnavailable',
            },
            {
              type: 'Progressing',
              status: 'True',
              reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
            },
          ],
        };
        return JSON.stringify(o.status) === JSON.stringify(status)
          ? undefined
          : { ...o, status };
      },
      'status',
    );
  }

  /** StatefulSets: ordered pods `<name>-<i>`, replaced one at a time from the highest ordinal on a new revision. */
  private reconcileStatefulSet(namespace: string, name: string) {
    const sts = this.store.tryGet(STATEFULSET, namespace, name);
    if (!sts) return;
    const desired = sts.spec?.replicas ?? 1;
    const revision = `${name}-${templateHash(sts.spec?.template)}`;
    const pods = this.podsOf(sts);
    const byName = new Map(pods.map(p => [p.metadata.name, p]));
    for (let i = 0; i < desired; i++) {
      const podName = `${name}-${i}`;
      if (!byName.has(podName)) {
        // Ordered: pod i only after pod i-1 is ready.
        if (
          i > 0 &&
          !isPodReady(
            byName.get(`${name}-${i - 1}`) ??
              ({ metadata: { name: '' } } as KubeObject),
          )
        )
          break;
        this.createPod(
          sts,
          sts.spec.template,
          { name: podName },
          {
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': podName,
          },
        );
        return;
      }
    }
    for (const p of pods) {
      const ordinal = Number(p.metadata.name.slice(name.length + 1));
      if (ordinal >= desired) this.tryDelete(p);
    }
    const live = this.podsOf(sts);
    const allReady = live.length === desired && live.every(isPodReady);
    const stale = live
      .filter(p => p.metadata.labels?.['controller-revision-hash'] !== revision)
      .sort((a, b) =>
        b.metadata.name.localeCompare(a.metadata.name, undefined, {
          numeric: true,
        }),
      );
    if (allReady && stale.length > 0) this.tryDelete(stale[0]);
    const now2 = this.podsOf(sts);
    this.store.update(
      STATEFULSET,
      namespace,
      name,
      o => {
        const status = {
          observedGeneration: o.metadata.generation,
          replicas: now2.length,
          readyReplicas: now2.filter(isPodReady).length,
          availableReplicas: now2.filter(isPodReady).length,
          currentReplicas: now2.filter(
            p => p.metadata.labels?.['controller-revision-hash'] === revision,
          ).length,
          updatedReplicas: now2.filter(
            p => p.metadata.labels?.['controller-revision-hash'] === revision,
          ).length,
          currentRevision:
            stale.length === 0
              ? revision
              : o.status?.currentRevision ?? revision,
          updateRevision: revision,
        };
        return JSON.stringify(o.status) === JSON.stringify(status)
          ? undefined
          : { ...o, status };
      },
      'status',
    );
  }

  /** DaemonSets: one pod per Ready node, replaced one at a time on a new revision. */
  private reconcileDaemonSet(namespace: string, name: string) {
    const ds = this.store.tryGet(DAEMONSET, namespace, name);
    if (!ds) return;
    const revision = templateHash(ds.spec?.template);
    const nodes = this.store.list(NODE).map(n => n.metadata.name);
    const pods = this.podsOf(ds);
    for (const node of nodes) {
      if (!pods.some(p => p.spec?.nodeName === node)) {
        const template = structuredClone(ds.spec.template);
        template.spec = { ...template.spec, nodeName: node };
        this.createPod(
          ds,
          template,
          { generateName: `${name}-` },
          { 'controller-revision-hash': revision },
        );
      }
    }
    const live = this.podsOf(ds);
    const stale = live.filter(
      p => p.metadata.labels?.['controller-revision-hash'] !== revision,
    );
    if (live.every(isPodReady) && stale.length > 0) this.tryDelete(stale[0]);
    this.store.update(
      DAEMONSET,
      namespace,
      name,
      o => {
        const status = {
          observedGeneration: o.metadata.generation,
          desiredNumberScheduled: nodes.length,
          currentNumberScheduled: live.length,
          numberReady: live.filter(isPodReady).length,
          numberAvailable: live.filter(isPodReady).length,
          updatedNumberScheduled: live.length - stale.length,
        };
        return JSON.stringify(o.status) === JSON.stringify(status)
          ? undefined
          : { ...o, status };
      },
      'status',
    );
  }

  /** Jobs run one pod until it is deleted (the session pods of seed 003 run until their session ends). */
  private reconcileJob(namespace: string, name: string) {
    const job = this.store.tryGet(JOB, namespace, name);
    if (!job) return;
    const pods = this.podsOf(job);
    if (pods.length === 0 && !job.status?.completionTime) {
      this.createPod(
        job,
        job.spec?.template,
        { generateName: `${name}-` },
        {
          'job-name': name,
          'batch.kubernetes.io/job-name': name,
          'controller-uid': job.metadata.uid!,
        },
      );
    }
    const live = this.podsOf(job);
    this.store.update(
      JOB,
      namespace,
      name,
      o => {
        const status = {
          startTime: o.status?.startTime ?? now(),
          active: live.length,
          ready: live.filter(isPodReady).length,
        };
        return JSON.stringify(o.status) === JSON.stringify(status)
          ? undefined
          : { ...o, status };
      },
      'status',
    );
  }
}

export function isNodeReady(n: KubeObject): boolean {
  return (n.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Ready' && c.status === 'True',
  );
}
