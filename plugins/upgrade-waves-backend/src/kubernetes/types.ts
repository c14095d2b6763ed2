import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';

/** Turns a registry cluster into a KubeConfig that reaches its API server. */
export interface ClusterConnector {
  /** Throws a NotFoundError naming the cluster when no configured entry reaches it. */
  connect(cluster: Cluster): KubeConfig;
  /** How long one request to a cluster may take (`upgradeWaves.timeouts.kubernetesMs`); 30 s when absent. */
  readonly requestTimeoutMs?: number;
}
