import type { Config } from '@backstage/config';
import type { CheckName } from '@fleetdeck/plugin-upgrade-waves-common';
import { CoreV1Api } from '@kubernetes/client-node';
import type { CheckContext, CheckReport, ClusterCheck } from '../checks/types';
import { callOptions, describeError, getRaw, isAbort } from './client';
import { analyzeThroughApi, analyzeWithIstioctl } from './istioAnalysis';
import { IstioRollout } from './IstioRollout';
import type { ClusterConnector } from './types';

/** Entries listed in a message before it says "and N more". */
const SHOWN = 10;

export interface KubernetesCheckOptions {
  /** The istioctl binary; without it, `istio-analysis` checks what it can through the API. */
  istioctlPath?: string;
}

/** Reads `upgradeWaves.checks.istioctl.path`. */
export function kubernetesCheckOptionsFromConfig(
  config: Config,
): KubernetesCheckOptions {
  const istioctlPath = config.getOptionalString(
    'upgradeWaves.checks.istioctl.path',
  );
  return istioctlPath ? { istioctlPath } : {};
}

/**
 * A check whose errors become a failed report naming the cause (an unknown cluster, a refused connection,
 * an API error). An abort is left to the caller, who knows whether it was a timeout or a halt.
 */
function clusterCheck(
  name: CheckName,
  run: (context: CheckContext) => Promise<CheckReport>,
): ClusterCheck {
  return {
    name,
    async run(context) {
      try {
        return await run(context);
      } catch (error) {
        if (isAbort(error, context.signal)) {
          throw error;
        }
        return { outcome: 'failed', message: describeError(error) };
      }
    },
  };
}

function list(items: string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN
    ? `${shown} and ${items.length - SHOWN} more`
    : shown;
}

/** `api-server`: GET /readyz answers 200 `ok`. */
export function apiServerCheck(connector: ClusterConnector): ClusterCheck {
  return clusterCheck('api-server', async ({ cluster, signal }) => {
    const kc = connector.connect(cluster);
    const url = `${kc.getCurrentCluster()?.server ?? ''}/readyz`;
    let response: { status: number; body: string };
    try {
      response = await getRaw(
        kc,
        '/readyz',
        signal,
        connector.requestTimeoutMs,
      );
    } catch (error) {
      if (isAbort(error, signal)) throw error;
      return {
        outcome: 'failed',
        message: `API server unreachable: ${describeError(error)}`,
        detail: { url },
      };
    }
    const body = response.body.trim();
    if (response.status === 200 && body === 'ok') {
      return {
        outcome: 'passed',
        message: 'API server is ready (/readyz: ok)',
        detail: { url, status: response.status },
      };
    }
    return {
      outcome: 'failed',
      message: `API server is not ready: /readyz answered ${response.status}${
        body ? `: ${body.slice(0, 300)}` : ''
      }`,
      detail: { url, status: response.status, body: body.slice(0, 2000) },
    };
  });
}

/** `nodes-ready`: every node has condition Ready=True. */
export function nodesReadyCheck(connector: ClusterConnector): ClusterCheck {
  return clusterCheck('nodes-ready', async ({ cluster, signal }) => {
    const kc = connector.connect(cluster);
    const nodes = await kc
      .makeApiClient(CoreV1Api)
      .listNode({}, callOptions(signal, connector.requestTimeoutMs));
    if (nodes.items.length === 0) {
      return { outcome: 'failed', message: 'The cluster has no nodes' };
    }
    const notReady = nodes.items.flatMap(node => {
      const ready = node.status?.conditions?.find(c => c.type === 'Ready');
      return ready?.status === 'True'
        ? []
        : [
            {
              name: node.metadata?.name ?? '',
              status: ready?.status ?? 'Unknown',
              reason: ready?.reason,
              message: ready?.message,
            },
          ];
    });
    const detail = { total: nodes.items.length, notReady };
    if (notReady.length === 0) {
      return {
        outcome: 'passed',
        message: `All ${nodes.items.length} nodes are Ready`,
        detail,
      };
    }
    return {
      outcome: 'failed',
      message: `${notReady.length} of ${
        nodes.items.length
      } nodes are NotReady: ${list(
        notReady.map(n => (n.reason ? `${n.name} (${n.reason})` : n.name)),
      )}`,
      detail,
    };
  });
}

/** `istiod`: istiod is available, its rollout finished, on the expected version, and no Istio HelmRelease failed. */
export function istiodCheck(connector: ClusterConnector): ClusterCheck {
  const rollout = new IstioRollout(connector);
  return clusterCheck(
    'istiod',
    async ({ cluster, signal, expectedVersion }) => {
      const istiod = await rollout.istiod(cluster, { signal });
      const problems: string[] = [];
      if (!istiod.ready) {
        problems.push(`istiod is not ready: ${istiod.reason}`);
      }
      if (istiod.version !== undefined && istiod.version !== expectedVersion) {
        problems.push(
          `istiod runs ${istiod.version}, expected ${expectedVersion}`,
        );
      }
      if (istiod.helmReleaseFailure) {
        problems.push(`HelmRelease failed: ${istiod.helmReleaseFailure}`);
      }
      if (problems.length > 0) {
        return {
          outcome: 'failed',
          message: problems.join('; '),
          detail: istiod,
        };
      }
      return {
        outcome: 'passed',
        message: `istiod ${istiod.version} is ready`,
        detail: istiod,
      };
    },
  );
}

/** `istio-analysis`: `istioctl analyze` where configured, otherwise the injector webhook and CRDs through the API. */
export function istioAnalysisCheck(
  connector: ClusterConnector,
  options: KubernetesCheckOptions = {},
): ClusterCheck {
  return clusterCheck('istio-analysis', async ({ cluster, signal }) => {
    const kc = connector.connect(cluster);
    return options.istioctlPath
      ? analyzeWithIstioctl(options.istioctlPath, kc, signal)
      : analyzeThroughApi(kc, signal, connector.requestTimeoutMs);
  });
}

/** `istio-proxies`: every sidecar in the injected namespaces runs the expected version. */
export function istioProxiesCheck(rollout: IstioRollout): ClusterCheck {
  return clusterCheck(
    'istio-proxies',
    async ({ cluster, signal, expectedVersion }) => {
      const proxies = await rollout.proxyVersions(cluster, { signal });
      const behind = proxies.filter(p => p.version !== expectedVersion);
      const stragglers = behind.filter(p => p.managed);
      // Pods no restart replaces (warm pools, Jobs) are reported, but cannot fail the wave.
      const unmanaged = behind.filter(p => !p.managed);
      if (proxies.length === 0) {
        return {
          outcome: 'passed',
          message: 'No istio-proxy sidecars in injected namespaces',
          detail: { total: 0, stragglers },
        };
      }
      const detail = { total: proxies.length, stragglers, unmanaged };
      if (stragglers.length === 0 && unmanaged.length > 0) {
        return {
          outcome: 'warning',
          message: `Every restarted workload runs ${expectedVersion}; ${
            unmanaged.length
          } pods outside Deployments, StatefulSets and DaemonSets still run an older sidecar until their owner replaces them: ${list(
            unmanaged.map(
              p => `${p.namespace}/${p.pod} (${p.version ?? p.image})`,
            ),
          )}`,
          detail,
        };
      }
      if (stragglers.length === 0) {
        return {
          outcome: 'passed',
          message: `All ${proxies.length} istio-proxy sidecars run ${expectedVersion}`,
          detail,
        };
      }
      return {
        outcome: 'failed',
        message: `${stragglers.length} of ${
          proxies.length
        } istio-proxy sidecars are not on ${expectedVersion}: ${list(
          stragglers.map(
            p => `${p.namespace}/${p.pod} (${p.version ?? p.image})`,
          ),
        )}`,
        detail,
      };
    },
  );
}

/** `pods-healthy`: the pods of the injected namespaces are Running and Ready. */
export function podsHealthyCheck(rollout: IstioRollout): ClusterCheck {
  return clusterCheck('pods-healthy', async ({ cluster, signal }) => {
    const { checked, unhealthy } = await rollout.podHealth(cluster, {
      signal,
    });
    const detail = { total: checked, unhealthy };
    if (unhealthy.length === 0) {
      return {
        outcome: 'passed',
        message:
          checked === 0
            ? 'No pods in injected namespaces'
            : `All ${checked} pods in injected namespaces are Running and Ready`,
        detail,
      };
    }
    return {
      outcome: 'failed',
      message: `${unhealthy.length} of ${checked} pods are not healthy: ${list(
        unhealthy.map(p => `${p.namespace}/${p.pod} (${p.reason})`),
      )}`,
      detail,
    };
  });
}

/** The Kubernetes pre-checks, in the order a wave runs them: api-server, nodes-ready, istiod, istio-analysis. */
export function kubernetesChecks(
  connector: ClusterConnector,
  options: KubernetesCheckOptions = {},
): ClusterCheck[] {
  return [
    apiServerCheck(connector),
    nodesReadyCheck(connector),
    istiodCheck(connector),
    istioAnalysisCheck(connector, options),
  ];
}

/** The Kubernetes post-checks: istio-proxies and pods-healthy. */
export function kubernetesPostChecks(
  connector: ClusterConnector,
): ClusterCheck[] {
  const rollout = new IstioRollout(connector);
  return [istioProxiesCheck(rollout), podsHealthyCheck(rollout)];
}
