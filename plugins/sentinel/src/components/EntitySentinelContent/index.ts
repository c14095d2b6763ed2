export { EntitySentinelContent } from './EntitySentinelContent';
