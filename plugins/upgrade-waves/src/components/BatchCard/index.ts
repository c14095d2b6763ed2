export {
  BatchCard,
  batchProgress,
  statusCounts,
  CLUSTERS_PAGE_SIZE,
} from './BatchCard';
