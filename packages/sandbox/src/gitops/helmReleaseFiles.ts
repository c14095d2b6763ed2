/** The Flux HelmRelease files a GitOps repository holds for one cluster's Istio: base, istiod and a gateway. */
export interface IstioReleasePaths {
  base: string;
  istiod: string;
  gateway: string;
}

export function istioReleasePaths(cluster: string): IstioReleasePaths {
  return {
    base: `clusters/${cluster}/istio/base.yaml`,
    istiod: `clusters/${cluster}/istio/istiod.yaml`,
    gateway: `clusters/${cluster}/istio/gateway.yaml`,
  };
}

function helmRelease(options: {
  cluster: string;
  name: string;
  chart: string;
  version: string;
  comment: string;
  dependsOn?: string;
  values: string;
}): string {
  return `# ${options.comment}
# Cluster: ${
    options.cluster
  }. Managed by Flux; Fleetdeck upgrade waves change only spec.chart.spec.version.
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${options.name}
  namespace: istio-system
spec:
  interval: 10m
  releaseName: ${options.name}
  chart:
    spec:
      chart: ${options.chart}
      version: "${
        options.version
      }" # keep in step with the other Istio releases of this cluster
      sourceRef:
        kind: HelmRepository
        name: istio
        namespace: flux-system
${
  options.dependsOn ? `  dependsOn:\n    - name: ${options.dependsOn}\n` : ''
}  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
      remediateLastFailure: true
  values:
${options.values}
`;
}

/** The three files, with comments and layout a platform team would write by hand. */
export function istioReleaseFiles(
  cluster: string,
  version: string,
): Record<string, string> {
  const paths = istioReleasePaths(cluster);
  return {
    [paths.base]: helmRelease({
      cluster,
      name: 'istio-base',
      chart: 'base',
      version,
      comment: 'Istio CRDs and cluster roles',
      values: '    defaultRevision: default',
    }),
    [paths.istiod]: helmRelease({
      cluster,
      name: 'istiod',
      chart: 'istiod',
      version,
      comment: 'Istio control plane',
      dependsOn: 'istio-base',
      values:
        '    pilot:\n      autoscaleEnabled: true\n      autoscaleMin: 2\n    meshConfig:\n      accessLogFile: /dev/stdout',
    }),
    [paths.gateway]: helmRelease({
      cluster,
      name: 'istio-ingressgateway',
      chart: 'gateway',
      version,
      comment: 'Ingress gateway',
      dependsOn: 'istiod',
      values: '    service:\n      type: LoadBalancer',
    }),
  };
}
