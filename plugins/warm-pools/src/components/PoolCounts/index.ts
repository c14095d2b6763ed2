export { PoolCounts } from './PoolCounts';
