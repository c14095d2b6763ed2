/**
 * Warm pod pools for Fleetdeck: every pool across the clusters, a live page per pool (counts, history, time to
 * ready, session start latency, sizing advice, pods with a Terminate button) and an entity tab. This entry point
 * is the legacy frontend system plugin; `./alpha` holds the new frontend system one.
 *
 * @packageDocumentation
 */
export {
  warmPoolsPlugin,
  WarmPoolsPage,
  EntityWarmPoolContent,
} from './plugin';
export { warmPoolsApiRef } from './api';
export {
  WARM_POOL_ANNOTATION,
  getWarmPoolAnnotation,
  isWarmPoolAvailable,
  parseWarmPoolAnnotation,
} from './annotations';
export type { WarmPoolAnnotation } from './annotations';
