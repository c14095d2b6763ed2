import { randomBytes } from 'node:crypto';
import { ClusterStore } from './ClusterStore';
import { ClusterControllers, isNodeReady } from './controllers';
import { Distribution } from './distributions';
import { KubernetesApiServer } from './KubernetesApiServer';
import { typeOfKind } from './resources';
import type { KubeObject } from './types';

const NODE = typeOfKind('Node');
const NAMESPACE = typeOfKind('Namespace');
const DEPLOYMENT = typeOfKind('Deployment');
const HELMRELEASE = typeOfKind('HelmRelease');
const SERVICE = typeOfKind('Service');
const MUTATING_WEBHOOK = typeOfKind('MutatingWebhookConfiguration');
const CRD = typeOfKind('CustomResourceDefinition');

const ISTIOD_SELECTOR = { app: 'istiod', istio: 'pilot' };
const ISTIOD_LABELS = { ...ISTIOD_SELECTOR, 'istio.io/rev': 'default' };

/** The CustomResourceDefinitions Istio's `base` chart installs: [group, kind, plural]. */
const ISTIO_CRDS: Array<[string, string, string]> = [
  ['networking.istio.io', 'VirtualService', 'virtualservices'],
  ['networking.istio.io', 'DestinationRule', 'destinationrules'],
  ['networking.istio.io', 'Gateway', 'gateways'],
  ['networking.istio.io', 'ServiceEntry', 'serviceentries'],
  ['networking.istio.io', 'Sidecar', 'sidecars'],
  ['networking.istio.io', 'EnvoyFilter', 'envoyfilters'],
  ['networking.istio.io', 'WorkloadEntry', 'workloadentries'],
  ['networking.istio.io', 'WorkloadGroup', 'workloadgroups'],
  ['networking.istio.io', 'ProxyConfig', 'proxyconfigs'],
  ['security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies'],
  ['security.istio.io', 'PeerAuthentication', 'peerauthentications'],
  ['security.istio.io', 'RequestAuthentication', 'requestauthentications'],
  ['telemetry.istio.io', 'Telemetry', 'telemetries'],
  ['extensions.istio.io', 'WasmPlugin', 'wasmplugins'],
];

export interface SandboxClusterOptions {
  name: string;
  /** Bearer token the API server accepts; random by default. */
  token?: string;
  port?: number;
  nodes?: number;
  /** Istio version istiod starts on; no Istio when undefined. */
  istioVersion?: string;
  timeToReady?: Distribution;
  bookmarkIntervalMs?: number;
  kubernetesVersion?: string;
  labels?: Record<string, string>;
}

/**
 * One simulated cluster: its API server on a loopback port, its objects, and its controllers. Tests and
 * scenarios drive it through this class (node readiness, Istio rollouts, API faults).
 */
export class SandboxCluster {
  readonly name: string;
  readonly token: string;
  readonly store: ClusterStore;
  readonly controllers: ClusterControllers;
  private istioRolloutTimer?: NodeJS.Timeout;

  static async start(options: SandboxClusterOptions): Promise<SandboxCluster> {
    const store = new ClusterStore();
    const token =
      options.token ??
      `sandbox-${options.name}-${randomBytes(12).toString('hex')}`;
    const server = await KubernetesApiServer.start({
      store,
      token,
      port: options.port,
      gitVersion: options.kubernetesVersion,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
    });
    const cluster = new SandboxCluster(options, store, server, token);
    cluster.bootstrap(options);
    return cluster;
  }

  private constructor(
    options: SandboxClusterOptions,
    store: ClusterStore,
    readonly api: KubernetesApiServer,
    token: string,
  ) {
    this.name = options.name;
    this.token = token;
    this.store = store;
    this.controllers = new ClusterControllers(store, {
      timeToReady: options.timeToReady ?? {
        kind: 'lognormal',
        medianMs: 1500,
        sigma: 0.5,
      },
      proxyImage: version => `docker.io/istio/proxyv2:${version}`,
    });
  }

  get url(): string {
    return this.api.baseUrl;
  }

  /** Options for `new KubeConfig().loadFromOptions(…)` of `@kubernetes/client-node` that reach this cluster. */
  kubeConfigOptions() {
    return {
      clusters: [{ name: this.name, server: this.url, skipTLSVerify: true }],
      users: [{ name: `${this.name}-user`, token: this.token }],
      contexts: [
        { name: this.name, cluster: this.name, user: `${this.name}-user` },
      ],
      currentContext: this.name,
    };
  }

  private bootstrap(options: SandboxClusterOptions) {
    for (const ns of [
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
    ])
      this.ensureNamespace(ns);
    const count = options.nodes ?? 3;
    for (let i = 1; i <= count; i++) {
      this.store.create(NODE, undefined, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: `${options.name}-node-${i}`,
          labels: {
            'kubernetes.io/hostname': `${options.name}-node-${i}`,
            'topology.kubernetes.io/zone': `zone-${((i - 1) % 3) + 1}`,
            ...(options.labels ?? {}),
          },
        },
        spec: {},
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
          capacity: { cpu: '8', memory: '32Gi', pods: '110' },
          allocatable: { cpu: '7800m', memory: '30Gi', pods: '110' },
          nodeInfo: {
            kubeletVersion: options.kubernetesVersion ?? 'v1.32.3',
            osImage: 'Sandbox Linux',
            containerRuntimeVersion: 'containerd://2.0.0',
            architecture: 'amd64',
            operatingSystem: 'linux',
          },
        },
      });
    }
    if (options.istioVersion) this.installIstio(options.istioVersion);
  }

  ensureNamespace(
    name: string,
    labels: Record<string, string> = {},
  ): KubeObject {
    const existing = this.store.tryGet(NAMESPACE, undefined, name);
    if (existing) {
      return (
        this.store.update(NAMESPACE, undefined, name, o => ({
          ...o,
          metadata: {
            ...o.metadata,
            labels: { ...(o.metadata.labels ?? {}), ...labels },
          },
        })) ?? existing
      );
    }
    return this.store.create(NAMESPACE, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        labels: { 'kubernetes.io/metadata.name': name, ...labels },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  /**
   * istiod in `istio-system` with its Service, the sidecar injector webhook and Istio's CRDs, plus the Flux
   * HelmReleases that a GitOps repository would have created.
   */
  private installIstio(version: string) {
    this.ensureNamespace('istio-system');
    for (const [group, kind, plural] of ISTIO_CRDS) {
      this.store.create(CRD, undefined, istioCrd(group, kind, plural));
    }
    this.store.create(SERVICE, 'istio-system', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istiod', labels: ISTIOD_LABELS },
      spec: {
        type: 'ClusterIP',
        selector: ISTIOD_SELECTOR,
        ports: [
          { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
          { name: 'https-dns', port: 15012, protocol: 'TCP' },
          {
            name: 'https-webhook',
            port: 443,
            targetPort: 15017,
            protocol: 'TCP',
          },
          { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
        ],
      },
    });
    this.store.create(MUTATING_WEBHOOK, undefined, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: {
        name: 'istio-sidecar-injector',
        labels: { app: 'sidecar-injector', 'istio.io/rev': 'default' },
      },
      webhooks: [
        {
          name: 'namespace.sidecar-injector.istio.io',
          admissionReviewVersions: ['v1'],
          clientConfig: {
            service: {
              name: 'istiod',
              namespace: 'istio-system',
              path: '/inject',
              port: 443,
            },
          },
          failurePolicy: 'Fail',
          sideEffects: 'None',
          namespaceSelector: {
            matchLabels: { 'istio-injection': 'enabled' },
          },
          rules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['pods'],
            },
          ],
        },
      ],
    });
    this.store.create(DEPLOYMENT, 'istio-system', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', labels: ISTIOD_LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: ISTIOD_SELECTOR },
        template: {
          metadata: { labels: ISTIOD_LABELS },
          spec: {
            containers: [
              { name: 'discovery', image: `docker.io/istio/pilot:${version}` },
            ],
          },
        },
      },
    });
    for (const [name, chart] of [
      ['istio-base', 'base'],
      ['istiod', 'istiod'],
      ['istio-ingressgateway', 'gateway'],
    ]) {
      this.store.create(HELMRELEASE, 'istio-system', {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name },
        spec: {
          interval: '10m',
          chart: {
            spec: {
              chart,
              version,
              sourceRef: {
                kind: 'HelmRepository',
                name: 'istio',
                namespace: 'flux-system',
              },
            },
          },
          ...(chart === 'gateway' ? { dependsOn: [{ name: 'istiod' }] } : {}),
        },
        status: helmReleaseStatus(chart, version, true),
      });
    }
  }

  /** The Istio version istiod runs (the image tag of `istio-system/istiod`). */
  istioVersion(): string | undefined {
    return this.controllers.istioVersion();
  }

  /**
   * Rolls istiod (and the HelmReleases' status) to a version, as Flux's helm-controller would after a merge.
   * With `fail`, the upgrade stays on the old version and the HelmReleases report the failure.
   */
  rolloutIstio(
    version: string,
    options: { delayMs?: number; fail?: boolean } = {},
  ): void {
    clearTimeout(this.istioRolloutTimer);
    const apply = () => {
      if (!options.fail) {
        this.store.update(DEPLOYMENT, 'istio-system', 'istiod', d => {
          const next = structuredClone(d);
          next.spec.template.spec.containers[0].image = `docker.io/istio/pilot:${version}`;
          return next;
        });
      }
      for (const hr of this.store.list(HELMRELEASE, 'istio-system')) {
        this.store.update(HELMRELEASE, 'istio-system', hr.metadata.name, o => {
          const next = structuredClone(o);
          next.spec.chart.spec.version = version;
          return next;
        });
        this.store.update(
          HELMRELEASE,
          'istio-system',
          hr.metadata.name,
          o => ({
            ...o,
            status: helmReleaseStatus(
              o.spec.chart.spec.chart,
              version,
              !options.fail,
            ),
          }),
          'status',
        );
      }
    };
    if (options.delayMs) {
      this.istioRolloutTimer = setTimeout(apply, options.delayMs);
      this.istioRolloutTimer.unref();
    } else {
      apply();
    }
  }

  setNodeReady(name: string, ready: boolean): void {
    this.store.update(
      NODE,
      undefined,
      name,
      n => ({
        ...n,
        status: {
          ...n.status,
          conditions: [
            {
              type: 'Ready',
              status: ready ? 'True' : 'False',
              reason: ready ? 'KubeletReady' : 'KubeletNotReady',
              message: ready
                ? 'kubelet is posting ready status'
                : 'container runtime is down',
              lastTransitionTime: new Date().toISOString(),
            },
          ],
        },
      }),
      'status',
    );
  }

  readyNodes(): string[] {
    return this.store
      .list(NODE)
      .filter(isNodeReady)
      .map(n => n.metadata.name);
  }

  async stop(): Promise<void> {
    clearTimeout(this.istioRolloutTimer);
    this.controllers.stop();
    await this.api.stop();
  }
}

function istioCrd(group: string, kind: string, plural: string): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${plural}.${group}`,
      labels: { app: 'istio-pilot', chart: 'istio', release: 'istio-base' },
    },
    spec: {
      group,
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
      },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true }],
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts' },
        { type: 'Established', status: 'True', reason: 'InitialNamesAccepted' },
      ],
      acceptedNames: { kind, plural },
      storedVersions: ['v1'],
    },
  };
}

function helmReleaseStatus(chart: string, version: string, ready: boolean) {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    conditions: [
      ready
        ? {
            type: 'Ready',
            status: 'True',
            reason: 'UpgradeSucceeded',
            message: `Helm upgrade succeeded for release istio-system/${chart} with chart ${chart}@${version}`,
            lastTransitionTime: at,
          }
        : {
            type: 'Ready',
            status: 'False',
            reason: 'UpgradeFailed',
            message: `Helm upgrade failed for release istio-system/${chart} with chart ${chart}@${version}: context deadline exceeded`,
            lastTransitionTime: at,
          },
    ],
    ...(ready
      ? {
          lastAttemptedRevision: version,
          history: [
            { chartName: chart, chartVersion: version, status: 'deployed' },
          ],
        }
      : { lastAttemptedRevision: version }),
  };
}
