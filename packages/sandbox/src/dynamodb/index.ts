export { startDynalite } from './startDynalite';
export type { DynaliteOptions, DynaliteSandbox } from './startDynalite';
export {
  createRegistryTable,
  REGISTRY_BATCH_INDEX,
  REGISTRY_TABLE_NAME,
} from './registryTable';
