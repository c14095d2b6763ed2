export { PoolsOverview, PoolsPage } from './PoolsPage';
