export {
  ResourceInformer,
  PodInformer,
  DeploymentInformer,
} from './ResourceInformer';
export type {
  InformerEvent,
  InformerList,
  InformerSync,
  ResourceInformerOptions,
} from './ResourceInformer';
export { PoolTracker, WARM_POOL_TARGET_ANNOTATION } from './PoolTracker';
export type {
  PoolActivity,
  PoolLabels,
  PoolTrackerOptions,
  SizingEvidence,
  TrackedCluster,
} from './PoolTracker';
export { TIME_TO_READY_BOUNDS_MS, OVERFLOW_BOUND_MS } from './durations';
