export { createUpgradeStartAction } from './upgradeStart';
export { createUpgradeRollbackAction } from './upgradeRollback';
export {
  createClusterCheckRegistrationAction,
  createClusterRegisterAction,
} from './clusterRegister';
export { upgradeWavesClientForInitiator } from './client';
export type { TaskInitiator, UpgradeWavesClientSource } from './client';
