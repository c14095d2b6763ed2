import type { SandboxCluster } from '@fleetdeck/sandbox';
import { KubeConfig } from '@kubernetes/client-node';
import { PoolTracker, PoolTrackerOptions } from '../tracker/PoolTracker';

/** A client-node KubeConfig that reaches a sandbox cluster. */
export function kubeConfigOf(cluster: SandboxCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions(cluster.kubeConfigOptions());
  return kc;
}

/** A tracker of one sandbox cluster, quick to reconnect. */
export function trackerOf(
  cluster: SandboxCluster,
  options: Omit<PoolTrackerOptions, 'clusters'> = {},
): PoolTracker {
  return new PoolTracker({
    clusters: [{ name: cluster.name, kubeConfig: kubeConfigOf(cluster) }],
    initialBackoffMs: 50,
    ...options,
  });
}
