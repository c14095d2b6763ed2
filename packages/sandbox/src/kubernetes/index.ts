export { SandboxCluster } from './SandboxCluster';
export type { SandboxClusterOptions } from './SandboxCluster';
export { ClusterStore } from './ClusterStore';
export { KubernetesApiServer } from './KubernetesApiServer';
export type { ApiFaults } from './KubernetesApiServer';
export { isPodReady, RESTARTED_AT } from './controllers';
export type { Distribution } from './distributions';
export { RESOURCE_TYPES, typeOfKind } from './resources';
export type { KubeObject } from './types';
