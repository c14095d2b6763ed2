export { MergeRequestCard, diffSummary } from './MergeRequestCard';
