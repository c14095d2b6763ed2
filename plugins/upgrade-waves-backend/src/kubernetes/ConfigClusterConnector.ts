import type { Config } from '@backstage/config';
import { InputError, NotFoundError } from '@backstage/errors';
import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import { KubeConfig } from '@kubernetes/client-node';
import { readTimeouts } from '../config';
import type { ClusterAccessCheck } from '../registry/types';
import type { ClusterConnector } from './types';

/** The in-cluster service account token, used when a `serviceAccount` entry gives no token (as the Kubernetes plugin does). */
const IN_CLUSTER_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** One cluster of a `kubernetes.clusterLocatorMethods` entry of `type: config`. */
export interface ConfiguredCluster {
  name: string;
  url: string;
  authProvider: string;
  serviceAccountToken?: string;
  skipTLSVerify?: boolean;
  caData?: string;
  caFile?: string;
}

/**
 * Reaches clusters through the configuration that `@backstage/plugin-kubernetes-backend` reads
 * (`kubernetes.clusterLocatorMethods[]` of `type: config`), so adopters configure each cluster once, or through
 * the contexts of a kubeconfig file (`upgradeWaves.kubeconfig`).
 */
export class ConfigClusterConnector
  implements ClusterConnector, ClusterAccessCheck
{
  private readonly clusters: Map<string, ConfiguredCluster>;
  private readonly kubeconfig?: KubeConfig;
  readonly requestTimeoutMs?: number;

  static fromConfig(config: Config): ConfigClusterConnector {
    const clusters: ConfiguredCluster[] = [];
    for (const method of config.getOptionalConfigArray(
      'kubernetes.clusterLocatorMethods',
    ) ?? []) {
      if (method.getString('type') !== 'config') {
        continue;
      }
      for (const c of method.getOptionalConfigArray('clusters') ?? []) {
        clusters.push({
          name: c.getString('name'),
          url: c.getString('url'),
          authProvider: c.getOptionalString('authProvider') ?? 'serviceAccount',
          serviceAccountToken: c.getOptionalString('serviceAccountToken'),
          skipTLSVerify: c.getOptionalBoolean('skipTLSVerify'),
          caData: c.getOptionalString('caData'),
          caFile: c.getOptionalString('caFile'),
        });
      }
    }
    const kubeconfigPath = config.getOptionalString('upgradeWaves.kubeconfig');
    let kubeconfig: KubeConfig | undefined;
    if (kubeconfigPath) {
      kubeconfig = new KubeConfig();
      try {
        kubeconfig.loadFromFile(kubeconfigPath);
      } catch (error) {
        throw new InputError(
          `upgradeWaves.kubeconfig: cannot load ${kubeconfigPath}: ${
            (error as Error).message
          }`,
        );
      }
    }
    return new ConfigClusterConnector({
      clusters,
      kubeconfig,
      requestTimeoutMs: readTimeouts(config).kubernetesMs,
    });
  }

  constructor(options: {
    clusters: ConfiguredCluster[];
    /** A loaded kubeconfig whose contexts clusters may name in `access.kubeconfigContext`. */
    kubeconfig?: KubeConfig;
    /** How long one request to a cluster may take; 30 s by default. */
    requestTimeoutMs?: number;
  }) {
    this.clusters = new Map(options.clusters.map(c => [c.name, c]));
    this.kubeconfig = options.kubeconfig;
    this.requestTimeoutMs = options.requestTimeoutMs;
  }

  connect(cluster: Cluster): KubeConfig {
    const context = cluster.access?.kubeconfigContext;
    if (context) {
      return this.fromKubeconfig(cluster, context);
    }
    const name = cluster.access?.kubernetesClusterName ?? cluster.name;
    const entry = this.clusters.get(name);
    if (!entry) {
      throw new NotFoundError(
        `Cluster ${cluster.name} has no entry named '${name}' in kubernetes.clusterLocatorMethods (type: config)`,
      );
    }
    return fromEntry(entry);
  }

  accessProblem(cluster: Pick<Cluster, 'name' | 'access'>): string | undefined {
    const context = cluster.access?.kubeconfigContext;
    if (context) {
      if (!this.kubeconfig) {
        return `access.kubeconfigContext: '${context}' is a kubeconfig context, but upgradeWaves.kubeconfig is not configured`;
      }
      return this.kubeconfig.getContextObject(context)
        ? undefined
        : `access.kubeconfigContext: '${context}' is not a context of the kubeconfig in upgradeWaves.kubeconfig`;
    }
    const named = cluster.access?.kubernetesClusterName;
    const name = named ?? cluster.name;
    const which = named
      ? `'${name}'`
      : `'${name}' (the cluster name, as access names no cluster)`;
    const entry = this.clusters.get(name);
    if (!entry) {
      return `access.kubernetesClusterName: ${which} is not a cluster of kubernetes.clusterLocatorMethods (type: config)`;
    }
    return entry.authProvider === 'serviceAccount'
      ? undefined
      : `access.kubernetesClusterName: ${which} has authProvider '${entry.authProvider}'; upgrade waves reach clusters with 'serviceAccount' or through a context of upgradeWaves.kubeconfig`;
  }

  private fromKubeconfig(cluster: Cluster, context: string): KubeConfig {
    if (!this.kubeconfig) {
      throw new NotFoundError(
        `Cluster ${cluster.name} names kubeconfig context '${context}', but upgradeWaves.kubeconfig is not configured`,
      );
    }
    if (!this.kubeconfig.getContextObject(context)) {
      throw new NotFoundError(
        `Cluster ${cluster.name} names kubeconfig context '${context}', which the file in upgradeWaves.kubeconfig does not have`,
      );
    }
    // A fresh KubeConfig per call: callers may change its current context without affecting other clusters.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [...this.kubeconfig.getClusters()],
      users: [...this.kubeconfig.getUsers()],
      contexts: [...this.kubeconfig.getContexts()],
      currentContext: context,
    });
    return kc;
  }
}

function fromEntry(entry: ConfiguredCluster): KubeConfig {
  if (entry.authProvider !== 'serviceAccount') {
    throw new InputError(
      `kubernetes.clusterLocatorMethods: cluster '${entry.name}' has authProvider '${entry.authProvider}'; upgrade waves reach clusters with 'serviceAccount' or through a context of upgradeWaves.kubeconfig`,
    );
  }
  const user = entry.serviceAccountToken
    ? { name: `${entry.name}-user`, token: entry.serviceAccountToken }
    : {
        name: `${entry.name}-user`,
        authProvider: {
          name: 'tokenFile',
          config: { tokenFile: IN_CLUSTER_TOKEN_FILE },
        },
      };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: entry.name,
        server: entry.url,
        skipTLSVerify: entry.skipTLSVerify ?? false,
        ...(entry.caData ? { caData: entry.caData } : {}),
        ...(entry.caFile ? { caFile: entry.caFile } : {}),
      },
    ],
    users: [user],
    contexts: [{ name: entry.name, cluster: entry.name, user: user.name }],
    currentContext: entry.name,
  });
  return kc;
}
