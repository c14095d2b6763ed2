import { ConfigReader } from '@backstage/config';
import type {
  Cluster,
  ClusterAccess,
} from '@fleetdeck/plugin-upgrade-waves-common';
import {
  kubernetesConfig as sandboxKubernetesConfig,
  SandboxCluster,
  SandboxClusterOptions,
  typeOfKind,
} from '@fleetdeck/sandbox';
import { testCluster } from '../../checks/__testUtils__/clusters';
import type { CheckContext } from '../../checks/types';
import { ConfigClusterConnector } from '../ConfigClusterConnector';

/** A registry record for a sandbox cluster. */
export function registryCluster(
  name: string,
  access: ClusterAccess = {},
): Cluster {
  return testCluster(name, {
    batchId: 'test',
    environment: 'test',
    access,
    gitops: { project: 'platform/gitops', paths: [] },
    istioVersion: '1.22.3',
    status: 'PENDING',
  });
}

/**
 * The `kubernetes` config the sandbox writes into app-config, after a `catalog` locator that the
 * connector must skip (adopters often have both).
 */
export function kubernetesConfig(clusters: SandboxCluster[]) {
  const config = sandboxKubernetesConfig(clusters);
  return {
    ...config,
    clusterLocatorMethods: [
      { type: 'catalog' },
      ...config.clusterLocatorMethods,
    ],
  };
}

/** A connector reading the `kubernetes` config for these clusters. */
export function connectorFor(
  ...clusters: SandboxCluster[]
): ConfigClusterConnector {
  return ConfigClusterConnector.fromConfig(
    new ConfigReader({ kubernetes: kubernetesConfig(clusters) }),
  );
}

/** A connector whose one entry sends a cluster's requests to `url` (a proxy, or nothing at all). */
export function connectorTo(
  name: string,
  url: string,
  token: string,
): ConfigClusterConnector {
  return new ConfigClusterConnector({
    clusters: [
      {
        name,
        url,
        authProvider: 'serviceAccount',
        serviceAccountToken: token,
        skipTLSVerify: true,
      },
    ],
  });
}

export function checkContext(
  cluster: Cluster,
  expectedVersion: string,
  signal: AbortSignal = new AbortController().signal,
): CheckContext {
  return { cluster, targetVersion: expectedVersion, expectedVersion, signal };
}

/** A sandbox cluster whose pods become Ready quickly. */
export function startSandboxCluster(
  name: string,
  options: Partial<SandboxClusterOptions> = {},
): Promise<SandboxCluster> {
  return SandboxCluster.start({
    name,
    nodes: 2,
    timeToReady: { kind: 'fixed', ms: 10 },
    ...options,
  });
}

/** Creates a workload through the sandbox's store, labelled as the Kubernetes plugin expects. */
export function createWorkload(
  cluster: SandboxCluster,
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet',
  namespace: string,
  name: string,
  replicas = 1,
): void {
  const labels = { app: name, 'backstage.io/kubernetes-id': name };
  cluster.store.create(typeOfKind(kind), namespace, {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, labels },
    spec: {
      ...(kind === 'DaemonSet' ? {} : { replicas }),
      ...(kind === 'StatefulSet' ? { serviceName: name } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name, image: `registry.internal/${name}:1.0.0` }],
        },
      },
    },
  });
}
