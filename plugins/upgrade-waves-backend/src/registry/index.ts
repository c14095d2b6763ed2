export type {
  Cluster,
  ClusterAccessCheck,
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
export {
  CLUSTER_NAME_PATTERN,
  clusterRegistrationRequestSchema,
  DATADOG_TAG_PATTERN,
} from './registrationRequestSchema';
export { seedClusters } from './seedClusters';
export { withChangeListener } from './withChangeListener';
