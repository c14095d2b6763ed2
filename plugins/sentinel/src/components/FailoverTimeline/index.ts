export { FailoverTimeline } from './FailoverTimeline';
