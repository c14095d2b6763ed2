export { GroupHealthChip } from './GroupHealthChip';
