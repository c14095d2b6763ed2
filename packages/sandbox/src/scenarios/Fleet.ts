import { stringify } from 'yaml';
import { GitLabSandbox } from '../gitlab';
import { GitOpsLoop } from '../gitops/GitOpsLoop';
import {
  istioReleaseFiles,
  istioReleasePaths,
} from '../gitops/helmReleaseFiles';
import { typeOfKind } from '../kubernetes/resources';
import { SandboxCluster } from '../kubernetes/SandboxCluster';
import { eventually } from '../testing/eventually';
import { MetricsSandbox } from '../metrics';
import { SentinelTopology } from '../redis';
import { seedSessionKeys } from './sessionKeys';
import { WarmPoolProvisioner } from '../warmPool/WarmPoolProvisioner';
import {
  deployWorkload,
  SHOP_WORKLOADS,
  sessionWorkloads,
  Workload,
} from './workloads';

const DEPLOYMENT = typeOfKind('Deployment');

/** `kubernetes:` config (as `@backstage/plugin-kubernetes-backend` reads it) for sandbox clusters. */
export function kubernetesConfig(clusters: SandboxCluster[]) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(c => ({
          name: c.name,
          url: c.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: c.token,
          // The sandbox speaks plain HTTP on loopback; @kubernetes/client-node only allows that with this flag.
          skipTLSVerify: true,
          skipMetricsLookup: true,
        })),
      },
    ],
  };
}

/** Batches in rollout order, with their clusters (GUARD's order: test → dev → staging → prod). */
export const DEFAULT_BATCHES: Array<{
  batch: string;
  environment: string;
  clusters: Array<{ name: string; region: string }>;
}> = [
  {
    batch: 'test',
    environment: 'test',
    clusters: [
      { name: 'test-1', region: 'eu-west-1' },
      { name: 'test-2', region: 'us-east-1' },
    ],
  },
  {
    batch: 'dev-wave-1',
    environment: 'dev',
    clusters: [
      { name: 'dev-eu-1', region: 'eu-west-1' },
      { name: 'dev-us-1', region: 'us-east-1' },
    ],
  },
  {
    batch: 'staging',
    environment: 'staging',
    clusters: [{ name: 'staging-eu-1', region: 'eu-west-1' }],
  },
  {
    batch: 'prod-wave-1',
    environment: 'prod',
    clusters: [
      { name: 'prod-eu-1', region: 'eu-west-1' },
      { name: 'prod-us-1', region: 'us-east-1' },
    ],
  },
  {
    batch: 'prod-wave-2',
    environment: 'prod',
    clusters: [
      { name: 'prod-eu-2', region: 'eu-central-1' },
      { name: 'prod-ap-1', region: 'ap-southeast-1' },
    ],
  },
];

export const DEFAULT_ISTIO_VERSION = '1.22.3';
export const SENTINEL_GROUP = 'session-store';
/** The GitLab group the portal's scaffolder templates publish new repositories into. */
export const TEMPLATES_GITLAB_GROUP = 'fleetdeck';

export interface ClusterInfo {
  cluster: SandboxCluster;
  batch: string;
  environment: string;
  region: string;
  gitopsProject: string;
}

export interface FleetOptions {
  /** Start a Redis Sentinel topology of real redis-server processes (needs redis-server). Default true. */
  sentinel?: boolean;
  timeToReadyMedianMs?: number;
}

/** A running sandbox fleet: clusters, GitLab with the GitOps projects, metrics, Sentinel and warm pools. */
export class Fleet {
  private constructor(
    readonly clusters: ClusterInfo[],
    readonly gitlab: GitLabSandbox,
    readonly gitops: GitOpsLoop,
    readonly metrics: MetricsSandbox,
    readonly sentinel: SentinelTopology | undefined,
    readonly pools: Array<{
      cluster: string;
      provisioner: WarmPoolProvisioner;
    }>,
    readonly workloads: Workload[],
  ) {}

  /**
   * The default scenario: 9 clusters in 5 batches, 2 warm pools, one Sentinel group, GitOps projects per batch,
   * and a GitLab group for what the portal's templates create.
   */
  static async startDefault(options: FleetOptions = {}): Promise<Fleet> {
    const started: Array<{ stop(): unknown }> = [];
    try {
      const gitlab = await GitLabSandbox.start();
      started.push(gitlab);
      gitlab.createGroup(TEMPLATES_GITLAB_GROUP, {
        name: 'Fleetdeck',
        description: 'Repositories created from the portal’s templates.',
      });
      const metrics = await MetricsSandbox.start();
      started.push(metrics);
      const clusters: ClusterInfo[] = [];
      for (const b of DEFAULT_BATCHES) {
        const gitopsProject = `platform/gitops-${b.batch}`;
        const files: Record<string, string> = {
          'README.md': `# GitOps for batch ${b.batch}\n\nFlux reconciles clusters/<cluster>/ of this repository.\n`,
        };
        for (const c of b.clusters) {
          const cluster = await SandboxCluster.start({
            name: c.name,
            nodes: 3,
            istioVersion: DEFAULT_ISTIO_VERSION,
            timeToReady: {
              kind: 'lognormal',
              medianMs: options.timeToReadyMedianMs ?? 1500,
              sigma: 0.5,
            },
            labels: { 'topology.kubernetes.io/region': c.region },
          });
          started.push(cluster);
          clusters.push({
            cluster,
            batch: b.batch,
            environment: b.environment,
            region: c.region,
            gitopsProject,
          });
          Object.assign(
            files,
            istioReleaseFiles(c.name, DEFAULT_ISTIO_VERSION),
          );
          metrics.normalTraffic(c.name);
        }
        gitlab.createProject({
          path: gitopsProject,
          defaultBranch: 'main',
          files,
        });
      }
      const gitops = new GitOpsLoop(
        gitlab,
        clusters.map(c => ({
          cluster: c.cluster,
          projectPath: c.gitopsProject,
          paths: istioReleasePaths(c.cluster.name),
        })),
      );
      gitops.start();

      let sentinel: SentinelTopology | undefined;
      if (options.sentinel !== false) {
        sentinel = await SentinelTopology.start({
          masterName: 'sessions',
          downAfterMs: 2000,
          failoverTimeoutMs: 10000,
        });
        started.push(sentinel);
        await seedSessionKeys(await sentinel.currentMaster());
      }

      const pools: Array<{
        cluster: string;
        provisioner: WarmPoolProvisioner;
      }> = [];
      const workloads: Workload[] = [...SHOP_WORKLOADS];
      for (const c of clusters) {
        c.cluster.ensureNamespace('shop', { 'istio-injection': 'enabled' });
        for (const w of SHOP_WORKLOADS) deployWorkload(c.cluster, w);
      }
      for (const [name, size, rate] of [
        ['test-1', 4, 6],
        ['prod-eu-1', 6, 20],
      ] as const) {
        const info = clusters.find(c => c.cluster.name === name)!;
        info.cluster.ensureNamespace('sessions', {
          'istio-injection': 'enabled',
        });
        const provisioner = new WarmPoolProvisioner(info.cluster, {
          namespace: 'sessions',
          size,
          arrivalsPerMinute: rate,
          kubernetesId: 'session-provisioner',
          sessionDuration: { kind: 'lognormal', medianMs: 40_000, sigma: 0.5 },
        });
        provisioner.start();
        pools.push({ cluster: name, provisioner });
        for (const w of sessionWorkloads(
          `${name}/sessions/warm`,
          SENTINEL_GROUP,
        )) {
          if (w.id !== 'session-provisioner') deployWorkload(info.cluster, w);
          if (!workloads.some(x => x.id === w.id)) workloads.push(w);
        }
      }
      // A fleet is up once istiod serves on every cluster: what a platform team's fleet looks like on a normal day.
      await eventually(
        'istiod available on every sandbox cluster',
        () =>
          clusters.every(
            c =>
              (c.cluster.store.tryGet(DEPLOYMENT, 'istio-system', 'istiod')
                ?.status?.availableReplicas ?? 0) >= 1,
          ),
        60_000,
      );
      return new Fleet(
        clusters,
        gitlab,
        gitops,
        metrics,
        sentinel,
        pools,
        workloads,
      );
    } catch (error) {
      await Promise.allSettled(started.reverse().map(s => s.stop()));
      throw error;
    }
  }

  cluster(name: string): SandboxCluster {
    const found = this.clusters.find(c => c.cluster.name === name);
    if (!found) throw new Error(`no sandbox cluster ${name}`);
    return found.cluster;
  }

  async stop(): Promise<void> {
    this.gitops.stop();
    for (const p of this.pools) p.provisioner.stop();
    await Promise.allSettled([
      ...this.clusters.map(c => c.cluster.stop()),
      this.gitlab.stop(),
      this.metrics.stop(),
      ...(this.sentinel ? [this.sentinel.stop()] : []),
    ]);
  }

  /** Catalog entities for the scenario's workloads (Components with the annotations the plugins read). */
  catalogYaml(): string {
    const docs: object[] = [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: 'team-shop',
          title: 'Shop team',
          description: 'Owns the shop services running on the fleet.',
        },
        spec: { type: 'team', parent: 'platform', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: {
          name: 'shop',
          title: 'Shop',
          description: 'The online shop.',
        },
        spec: { owner: 'group:default/team-shop' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: {
          name: 'sessions',
          title: 'Sessions',
          description:
            'User sessions: warm WebSocket pods and the Redis session store.',
        },
        spec: { owner: 'group:default/team-sessions' },
      },
      ...this.workloads.map(w => ({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: w.id,
          title: w.component.title,
          description: w.component.description,
          annotations: {
            'backstage.io/kubernetes-id': w.id,
            ...(w.component.annotations ?? {}),
          },
          tags: ['sandbox'],
        },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: w.component.owner,
          system: w.component.system,
        },
      })),
    ];
    return docs.map(d => stringify(d)).join('---\n');
  }

  /** `upgradeWaves:` config: batches in order, the registry's clusters, metrics and alerts, a soak of seconds. */
  upgradeWavesConfig(options: { soakSeconds?: number } = {}) {
    return {
      batches: DEFAULT_BATCHES.map(b => ({ id: b.batch })),
      soakSeconds: options.soakSeconds ?? 20,
      prometheus: { url: this.metrics.url },
      alertmanager: { url: this.metrics.url },
      approval: { approvers: ['group:default/platform-operators'] },
      registry: {
        clusters: this.clusters.map(c => ({
          clusterId: c.cluster.name,
          name: c.cluster.name,
          batchId: c.batch,
          environment: c.environment,
          region: c.region,
          account: 'sandbox',
          access: { kubernetesClusterName: c.cluster.name },
          gitops: {
            project: c.gitopsProject,
            branch: 'main',
            paths: Object.values(istioReleasePaths(c.cluster.name)),
          },
          istioVersion: DEFAULT_ISTIO_VERSION,
          owners: ['group:default/platform'],
        })),
      },
    };
  }

  /** The app-config that points a Fleetdeck portal at this fleet. */
  appConfig(options: { catalogFile: string; rootCatalogFile: string }): object {
    const gitlabHost = this.gitlab.url.replace(/^http:\/\//, '');
    return {
      kubernetes: kubernetesConfig(this.clusters.map(c => c.cluster)),
      integrations: {
        gitlab: [
          {
            host: gitlabHost,
            apiBaseUrl: `${this.gitlab.url}/api/v4`,
            baseUrl: this.gitlab.url,
            token: this.gitlab.token,
          },
        ],
      },
      catalog: {
        locations: [
          {
            type: 'file',
            target: options.rootCatalogFile,
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Group',
                  'User',
                  'Template',
                ],
              },
            ],
          },
          {
            type: 'file',
            target: options.catalogFile,
            rules: [{ allow: ['Component', 'System', 'Group'] }],
          },
        ],
      },
      // The upgrade-waves plugin (plugins/upgrade-waves-backend/config.d.ts): the registry seeded with this fleet.
      upgradeWaves: this.upgradeWavesConfig(),
      // Read by Fleetdeck's plugins as they land (see each plugin's config.d.ts).
      fleetdeck: {
        sandbox: {
          batches: DEFAULT_BATCHES.map(b => ({
            batch: b.batch,
            environment: b.environment,
            clusters: b.clusters.map(c => c.name),
          })),
          gitopsProjects: Object.fromEntries(
            this.clusters.map(c => [
              c.cluster.name,
              {
                project: c.gitopsProject,
                paths: istioReleasePaths(c.cluster.name),
              },
            ]),
          ),
          prometheusUrl: this.metrics.url,
          alertmanagerUrl: this.metrics.url,
        },
      },
      ...(this.sentinel
        ? {
            sentinel: {
              groups: [
                {
                  name: SENTINEL_GROUP,
                  masterName: this.sentinel.masterName,
                  sentinels: this.sentinel
                    .sentinelAddresses()
                    .map(s => `${s.host}:${s.port}`),
                },
              ],
            },
          }
        : {}),
    };
  }
}
