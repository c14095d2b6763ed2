export { PoolHealthChip, poolHealth, readyText } from './PoolHealthChip';
export type { PoolHealth } from './PoolHealthChip';
