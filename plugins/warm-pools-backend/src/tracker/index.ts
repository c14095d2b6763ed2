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
  PoolLabels,
  PoolTrackerOptions,
  TrackedCluster,
} from './PoolTracker';
