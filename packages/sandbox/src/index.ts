export * from './kubernetes';
export * from './gitlab';
export * from './redis';
export * from './dynamodb';
export * from './metrics';
export {
  WarmPoolProvisioner,
  WARM_POOL_TARGET_ANNOTATION,
} from './warmPool/WarmPoolProvisioner';
export type {
  WarmPoolOptions,
  WarmPoolTruth,
} from './warmPool/WarmPoolProvisioner';
export { GitOpsLoop } from './gitops/GitOpsLoop';
export {
  istioReleaseFiles,
  istioReleasePaths,
} from './gitops/helmReleaseFiles';
export {
  Fleet,
  DEFAULT_BATCHES,
  DEFAULT_ISTIO_VERSION,
  kubernetesConfig,
  TEMPLATES_GITLAB_GROUP,
} from './scenarios/Fleet';
export { eventually, waitFor } from './testing/eventually';
export { findFreePorts, listenOnLoopback } from './net';
export { startScaleFleet } from './scenarios/scale';
export type { ScaleFleetOptions } from './scenarios/scale';
