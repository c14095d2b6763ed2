export { PoolDashboard } from './PoolDashboard';
