export { TimeToReadyHistogram, bucketLabel } from './TimeToReadyHistogram';
