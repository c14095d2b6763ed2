export {
  ClusterRegistryEntityProvider,
  DEFAULT_CLUSTER_OWNER,
  DEFAULT_CLUSTER_REGISTRY_SCHEDULE,
} from './ClusterRegistryEntityProvider';
export type { ClusterRegistryEntityProviderOptions } from './ClusterRegistryEntityProvider';
export { CLUSTER_ANNOTATIONS, CLUSTER_RESOURCE_TYPE } from './clusterResource';
