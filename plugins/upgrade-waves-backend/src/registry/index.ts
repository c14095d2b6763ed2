export type {
  Cluster,
  ClusterRegistry,
  ClusterStateUpdate,
  ClusterStatus,
} from './types';
export { createClusterRegistry } from './createClusterRegistry';
export { DatabaseClusterRegistry } from './DatabaseClusterRegistry';
export {
  DEFAULT_REGISTRY_TABLE_NAME,
  DynamoDbClusterRegistry,
  REGISTRY_BATCH_INDEX_NAME,
} from './DynamoDbClusterRegistry';
export { byBatchThenName } from './order';
export {
  CLUSTER_ID_MAX_LENGTH,
  CLUSTER_ID_PATTERN,
  clusterRegistrationSchema,
  ISTIO_VERSION_PATTERN,
} from './registrationSchema';
export { seedClusters } from './seedClusters';
export { withChangeListener } from './withChangeListener';
