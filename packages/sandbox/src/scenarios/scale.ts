import { typeOfKind } from '../kubernetes/resources';
import { SandboxCluster } from '../kubernetes/SandboxCluster';

const POD = typeOfKind('Pod');

export interface ScaleFleetOptions {
  clusters?: number;
  podsPerCluster?: number;
  namespacesPerCluster?: number;
}

/**
 * The `scale` scenario for benchmarks: many clusters with many pods each, created straight into the stores
 * (no Deployments to reconcile), half of them in warm pools. Pods become Ready within a second.
 */
export async function startScaleFleet(
  options: ScaleFleetOptions = {},
): Promise<SandboxCluster[]> {
  const clusterCount = options.clusters ?? 20;
  const podsPerCluster = options.podsPerCluster ?? 2000;
  const namespaces = options.namespacesPerCluster ?? 10;
  const clusters = await Promise.all(
    Array.from({ length: clusterCount }, (_, i) =>
      SandboxCluster.start({
        name: `scale-${String(i + 1).padStart(2, '0')}`,
        nodes: 10,
        istioVersion: '1.22.3',
        timeToReady: { kind: 'uniform', minMs: 200, maxMs: 1000 },
      }),
    ),
  );
  for (const cluster of clusters) {
    for (let n = 0; n < namespaces; n++)
      cluster.ensureNamespace(`team-${n}`, { 'istio-injection': 'enabled' });
    for (let p = 0; p < podsPerCluster; p++) {
      const warm = p % 2 === 0;
      cluster.store.create(POD, `team-${p % namespaces}`, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `pod-${p}`,
          labels: warm
            ? {
                app: 'websocket-server',
                pool: 'warm',
                assigned: p % 4 === 0 ? 'true' : 'false',
              }
            : { app: `svc-${p % 50}` },
        },
        spec: { containers: [{ name: 'app', image: 'app:1.0.0' }] },
      });
    }
  }
  return clusters;
}
