export { RecentEmptyMoments } from './RecentEmptyMoments';
