import { InputError } from '@backstage/errors';
import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Container,
  V1Deployment,
  V1Namespace,
  V1ObjectMeta,
  V1Pod,
  V1PodTemplateSpec,
} from '@kubernetes/client-node';
import {
  callOptions,
  imageVersion,
  isNotFound,
  listAll,
  PAGE_SIZE,
} from './client';
import type { ClusterConnector } from './types';

/** The annotation `kubectl rollout restart` sets on a pod template; changing it rolls the pods. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
/** The label that ties Kubernetes objects to catalog entities (`@backstage/plugin-kubernetes`). */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

const ISTIO_NAMESPACE = 'istio-system';
const PROXY_CONTAINER = 'istio-proxy';
/** Flux helm-controller API versions, newest first. */
const HELM_RELEASE_VERSIONS = ['v2', 'v2beta2'];

/** What istiod runs and whether its rollout is finished. */
export interface IstiodStatus {
  /** The image tag of istiod's `discovery` container. */
  version?: string;
  /** At least one replica available and no replica left on an older template. */
  ready: boolean;
  /** The condition messages of Flux HelmReleases in `istio-system` whose install or upgrade failed. */
  helmReleaseFailure?: string;
  /** Why istiod is not ready. */
  reason?: string;
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** A workload whose pods get an Istio sidecar. */
export interface InjectedWorkload {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** The pod template's `kubectl.kubernetes.io/restartedAt` annotation. */
  restartedAt?: string;
}

export interface ProxyVersion {
  namespace: string;
  pod: string;
  /** From the sidecar image's tag; undefined for an untagged image. */
  version?: string;
  image: string;
  /**
   * Whether a restart replaces the pod: owned by a ReplicaSet, StatefulSet or DaemonSet. Other pods (Jobs,
   * pods a provisioner creates, such as warm pools) get the new sidecar only when their owner replaces them.
   */
  managed: boolean;
}

const ROLLABLE_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

function isManaged(pod: { metadata?: V1ObjectMeta }): boolean {
  return (pod.metadata?.ownerReferences ?? []).some(r =>
    ROLLABLE_OWNERS.has(r.kind),
  );
}

export interface UnhealthyPod {
  namespace: string;
  pod: string;
  phase?: string;
  reason: string;
}

export interface RestartOptions {
  /** Patches in flight at once; 5 by default. */
  concurrency?: number;
  /** Called once before the first patch and after every workload, skipped ones included. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RestartResult {
  done: number;
  total: number;
  /** Workloads patched by this call (the others already carried the stamp). */
  restarted: number;
}

interface CallOptions {
  signal?: AbortSignal;
}

/** Istio's control plane and sidecars in one cluster: what they run, and the restart that moves sidecars. */
export class IstioRollout {
  constructor(private readonly connector: ClusterConnector) {}

  /** Each request's timeout: the connector's (`upgradeWaves.timeouts.kubernetesMs`). */
  private get timeoutMs(): number | undefined {
    return this.connector.requestTimeoutMs;
  }

  async istiod(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<IstiodStatus> {
    const kc = this.connector.connect(cluster);
    const [deployment, helmReleaseFailure] = await Promise.all([
      findIstiod(kc, cluster, options.signal, this.timeoutMs),
      failedHelmReleases(kc, options.signal, this.timeoutMs),
    ]);
    const failure = helmReleaseFailure ? { helmReleaseFailure } : {};
    if (!deployment) {
      return {
        ready: false,
        reason: `no istiod Deployment in ${ISTIO_NAMESPACE}`,
        ...failure,
      };
    }
    const containers = deployment.spec?.template.spec?.containers ?? [];
    const discovery =
      containers.find(c => c.name === 'discovery') ?? containers[0];
    const version = imageVersion(discovery?.image);
    const desired = deployment.spec?.replicas ?? 1;
    const status = deployment.status ?? {};
    const available = status.availableReplicas ?? 0;
    const updated = status.updatedReplicas ?? 0;
    const observed =
      (status.observedGeneration ?? 0) >=
      (deployment.metadata?.generation ?? 0);
    // Until no pod of the old template is left, the injector may still hand out the old sidecar.
    const rolledOut =
      observed && updated >= desired && (status.replicas ?? 0) <= updated;
    let reason: string | undefined;
    if (available < 1) {
      reason = `no istiod replica is available (0 of ${desired})`;
    } else if (!observed) {
      reason = 'istiod rollout in progress (new template not yet observed)';
    } else if (!rolledOut) {
      reason = `istiod rollout in progress (${updated} of ${desired} replicas updated, ${
        status.replicas ?? 0
      } running)`;
    }
    return {
      version,
      ready: reason === undefined,
      ...(reason ? { reason } : {}),
      ...failure,
    };
  }

  /** Deployments, StatefulSets and DaemonSets in the namespaces where Istio injects sidecars. */
  async injectedWorkloads(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<InjectedWorkload[]> {
    const kc = this.connector.connect(cluster);
    const apps = kc.makeApiClient(AppsV1Api);
    const opts = callOptions(options.signal, this.timeoutMs);
    const namespaces = await injectedNamespaces(
      kc,
      options.signal,
      this.timeoutMs,
    );
    const perNamespace = await Promise.all(
      namespaces.map(async namespace => {
        const [deployments, statefulSets, daemonSets] = await Promise.all([
          apps.listNamespacedDeployment({ namespace }, opts),
          apps.listNamespacedStatefulSet({ namespace }, opts),
          apps.listNamespacedDaemonSet({ namespace }, opts),
        ]);
        return [
          ...deployments.items.map(d => workload('Deployment', namespace, d)),
          ...statefulSets.items.map(s => workload('StatefulSet', namespace, s)),
          ...daemonSets.items.map(d => workload('DaemonSet', namespace, d)),
        ];
      }),
    );
    return perNamespace.flat();
  }

  /**
   * Sets `kubectl.kubernetes.io/restartedAt` to `stamp` on every injected workload, as `kubectl rollout
   * restart` does. The stamp is fixed by the caller, so a repeated call (after a crash) skips the workloads
   * that already carry it: no workload is restarted twice for the same stamp.
   */
  async restartWorkloads(
    cluster: Cluster,
    stamp: string,
    options: RestartOptions = {},
  ): Promise<RestartResult> {
    if (!stamp) {
      throw new InputError('stamp must not be empty');
    }
    const { signal, onProgress } = options;
    const concurrency = Math.max(1, options.concurrency ?? 5);
    const kc = this.connector.connect(cluster);
    const apps = kc.makeApiClient(AppsV1Api);
    const workloads = await this.injectedWorkloads(cluster, { signal });
    const total = workloads.length;
    const queue = [...workloads];
    let done = 0;
    let restarted = 0;
    onProgress?.(done, total);

    const patchOptions = setHeaderOptions(
      'Content-Type',
      PatchStrategy.StrategicMergePatch,
      callOptions(signal, this.timeoutMs),
    );
    const restart = async (w: InjectedWorkload) => {
      const request = {
        name: w.name,
        namespace: w.namespace,
        body: {
          spec: {
            template: {
              metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: stamp } },
            },
          },
        },
      };
      try {
        if (w.kind === 'Deployment') {
          await apps.patchNamespacedDeployment(request, patchOptions);
        } else if (w.kind === 'StatefulSet') {
          await apps.patchNamespacedStatefulSet(request, patchOptions);
        } else {
          await apps.patchNamespacedDaemonSet(request, patchOptions);
        }
      } catch (error) {
        // Deleted since the list: nothing left to restart.
        if (!isNotFound(error)) throw error;
        return;
      }
      restarted += 1;
    };

    const worker = async () => {
      for (let w = queue.shift(); w; w = queue.shift()) {
        signal?.throwIfAborted();
        try {
          if (w.restartedAt !== stamp) {
            await restart(w);
          }
        } catch (error) {
          queue.length = 0; // start no more patches once one failed
          throw error;
        }
        done += 1;
        onProgress?.(done, total);
      }
    };
    // allSettled: no patch is still in flight when this call rejects.
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(concurrency, total) }, worker),
    );
    const failed = results.find(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failed) {
      throw failed.reason;
    }
    return { done, total, restarted };
  }

  /**
   * The sidecar version of every pod in the injected namespaces (pods being deleted are left out: they
   * are on their way out of a rollout).
   */
  async proxyVersions(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<ProxyVersion[]> {
    const kc = this.connector.connect(cluster);
    const pods = await injectedPods(kc, options.signal, this.timeoutMs);
    const proxies: ProxyVersion[] = [];
    for (const { namespace, pod } of pods) {
      if (pod.metadata?.deletionTimestamp) continue;
      // Istio's native sidecars (Kubernetes 1.28+) run the proxy as an init container.
      const proxy = [
        ...(pod.spec?.containers ?? []),
        ...(pod.spec?.initContainers ?? []),
      ].find((c: V1Container) => c.name === PROXY_CONTAINER);
      if (!proxy) continue;
      proxies.push({
        namespace,
        pod: pod.metadata?.name ?? '',
        version: imageVersion(proxy.image),
        image: proxy.image ?? '',
        managed: isManaged(pod),
      });
    }
    return proxies;
  }

  /** Pods of the restarted workloads (see {@link ProxyVersion.managed}) that are not Running and Ready. */
  async podsHealthy(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<UnhealthyPod[]> {
    return (await this.podHealth(cluster, options)).unhealthy;
  }

  /** Like {@link IstioRollout.podsHealthy}, with the number of pods looked at. */
  async podHealth(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<{ checked: number; unhealthy: UnhealthyPod[] }> {
    const kc = this.connector.connect(cluster);
    const apps = kc.makeApiClient(AppsV1Api);
    const opts = callOptions(options.signal, this.timeoutMs);
    const pods = await injectedPods(kc, options.signal, this.timeoutMs);
    const namespaces = [...new Set(pods.map(p => p.namespace))];
    // ReplicaSets scaled to zero belong to a finished or ongoing rollout; their last pods are leaving.
    const retiring = new Set<string>();
    await Promise.all(
      namespaces.map(async namespace => {
        const sets = await apps.listNamespacedReplicaSet({ namespace }, opts);
        for (const rs of sets.items) {
          if ((rs.spec?.replicas ?? 0) === 0 && rs.metadata?.uid) {
            retiring.add(rs.metadata.uid);
          }
        }
      }),
    );
    let checked = 0;
    const unhealthy: UnhealthyPod[] = [];
    for (const { namespace, pod } of pods) {
      if (pod.metadata?.deletionTimestamp) continue;
      if (
        (pod.metadata?.ownerReferences ?? []).some(r => retiring.has(r.uid))
      ) {
        continue;
      }
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') continue;
      // Pods outside the restarted workloads (a warm pool's pending pods, Jobs) are their owners' business.
      if (!isManaged(pod)) continue;
      checked += 1;
      const reason = unhealthyReason(pod);
      if (reason) {
        unhealthy.push({
          namespace,
          pod: pod.metadata?.name ?? '',
          phase,
          reason,
        });
      }
    }
    return { checked, unhealthy };
  }

  /** The values of `backstage.io/kubernetes-id` on the cluster's pods and Deployments, in all namespaces. */
  async kubernetesIds(
    cluster: Cluster,
    options: CallOptions = {},
  ): Promise<Set<string>> {
    const kc = this.connector.connect(cluster);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const opts = callOptions(options.signal, this.timeoutMs);
    const query = (cont: string | undefined) => ({
      labelSelector: KUBERNETES_ID_LABEL,
      limit: PAGE_SIZE,
      ...(cont ? { _continue: cont } : {}),
    });
    const [pods, deployments] = await Promise.all([
      listAll(cont => core.listPodForAllNamespaces(query(cont), opts)),
      listAll(cont => apps.listDeploymentForAllNamespaces(query(cont), opts)),
    ]);
    const ids = new Set<string>();
    for (const o of [...pods, ...deployments]) {
      const id = o.metadata?.labels?.[KUBERNETES_ID_LABEL];
      if (id) ids.add(id);
    }
    return ids;
  }
}

function workload(
  kind: WorkloadKind,
  namespace: string,
  item: { metadata?: V1ObjectMeta; spec?: { template: V1PodTemplateSpec } },
): InjectedWorkload {
  const restartedAt =
    item.spec?.template.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
  return {
    kind,
    namespace,
    name: item.metadata?.name ?? '',
    ...(restartedAt ? { restartedAt } : {}),
  };
}

async function findIstiod(
  kc: KubeConfig,
  cluster: Cluster,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<V1Deployment | undefined> {
  const apps = kc.makeApiClient(AppsV1Api);
  const opts = callOptions(signal, timeoutMs);
  try {
    return await apps.readNamespacedDeployment(
      { name: 'istiod', namespace: ISTIO_NAMESPACE },
      opts,
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  // Revisioned installs name it istiod-<revision>.
  const list = await apps.listNamespacedDeployment(
    { namespace: ISTIO_NAMESPACE, labelSelector: 'app=istiod' },
    opts,
  );
  return (
    list.items.find(
      d =>
        cluster.istioRevision &&
        d.metadata?.labels?.['istio.io/rev'] === cluster.istioRevision,
    ) ?? list.items[0]
  );
}

async function failedHelmReleases(
  kc: KubeConfig,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<string | undefined> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  let releases: any[] | undefined;
  for (const version of HELM_RELEASE_VERSIONS) {
    try {
      const list = await custom.listNamespacedCustomObject(
        {
          group: 'helm.toolkit.fluxcd.io',
          version,
          namespace: ISTIO_NAMESPACE,
          plural: 'helmreleases',
        },
        callOptions(signal, timeoutMs),
      );
      releases = list.items ?? [];
      break;
    } catch (error) {
      // Flux (or this API version of it) is not installed.
      if (!isNotFound(error)) throw error;
    }
  }
  const messages = new Set<string>();
  for (const release of releases ?? []) {
    const ready = (release.status?.conditions ?? []).find(
      (c: { type?: string }) => c.type === 'Ready',
    );
    if (
      ready?.status === 'False' &&
      /Failed$|RetriesExceeded|RollbackSucceeded|UninstallSucceeded/.test(
        ready.reason ?? '',
      )
    ) {
      messages.add(
        ready.message ||
          `HelmRelease ${release.metadata?.name}: ${ready.reason}`,
      );
    }
  }
  return messages.size > 0 ? [...messages].join('; ') : undefined;
}

/** Where Istio injects: `istio-injection=enabled`, or an `istio.io/rev` label unless injection is disabled. */
function isInjected(namespace: V1Namespace): boolean {
  const labels = namespace.metadata?.labels ?? {};
  return (
    labels['istio-injection'] === 'enabled' ||
    (labels['istio.io/rev'] !== undefined &&
      labels['istio-injection'] !== 'disabled')
  );
}

async function injectedNamespaces(
  kc: KubeConfig,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<string[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const namespaces = await core.listNamespace(
    {},
    callOptions(signal, timeoutMs),
  );
  return namespaces.items
    .filter(isInjected)
    .map(n => n.metadata?.name ?? '')
    .filter(Boolean);
}

async function injectedPods(
  kc: KubeConfig,
  signal?: AbortSignal,
  timeoutMs?: number,
): Promise<Array<{ namespace: string; pod: V1Pod }>> {
  const core = kc.makeApiClient(CoreV1Api);
  const opts = callOptions(signal, timeoutMs);
  const namespaces = await injectedNamespaces(kc, signal, timeoutMs);
  const perNamespace = await Promise.all(
    namespaces.map(async namespace => {
      const pods = await listAll(cont =>
        core.listNamespacedPod(
          {
            namespace,
            limit: PAGE_SIZE,
            ...(cont ? { _continue: cont } : {}),
          },
          opts,
        ),
      );
      return pods.map(pod => ({ namespace, pod }));
    }),
  );
  return perNamespace.flat();
}

function unhealthyReason(pod: V1Pod): string | undefined {
  const phase = pod.status?.phase ?? 'Unknown';
  const ready = (pod.status?.conditions ?? []).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
  if (phase === 'Running' && ready) {
    return undefined;
  }
  const waiting = (pod.status?.containerStatuses ?? [])
    .map(s =>
      s.state?.waiting?.reason
        ? `${s.name}: ${s.state.waiting.reason}`
        : undefined,
    )
    .filter(Boolean);
  const base = phase === 'Running' ? 'Running but not Ready' : phase;
  return waiting.length > 0 ? `${base} (${waiting.join(', ')})` : base;
}
