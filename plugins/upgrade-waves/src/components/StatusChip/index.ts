export { ClusterStatusChip, WaveStatusChip, statusLabel } from './StatusChip';
