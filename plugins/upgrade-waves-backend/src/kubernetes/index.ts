export type { ClusterConnector } from './types';
export { ConfigClusterConnector } from './ConfigClusterConnector';
export type { ConfiguredCluster } from './ConfigClusterConnector';
export {
  IstioRollout,
  KUBERNETES_ID_LABEL,
  RESTARTED_AT_ANNOTATION,
} from './IstioRollout';
export type {
  InjectedWorkload,
  IstiodStatus,
  ProxyVersion,
  RestartOptions,
  RestartResult,
  UnhealthyPod,
  WorkloadKind,
} from './IstioRollout';
export {
  apiServerCheck,
  istioAnalysisCheck,
  istiodCheck,
  istioProxiesCheck,
  kubernetesCheckOptionsFromConfig,
  kubernetesChecks,
  kubernetesPostChecks,
  nodesReadyCheck,
  podsHealthyCheck,
} from './checks';
export type { KubernetesCheckOptions } from './checks';
export { ISTIO_CRDS } from './istioAnalysis';
export type { IstioAnalysisMessage } from './istioAnalysis';
