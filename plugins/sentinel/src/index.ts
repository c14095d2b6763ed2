/**
 * Redis Sentinel pages for Fleetdeck: groups, topology, failover timeline, replication lag, session-store shape
 * and the game-day failover button. This entry point is the legacy frontend system plugin; `./alpha` holds the
 * new frontend system one.
 *
 * @packageDocumentation
 */
export { sentinelPlugin, SentinelPage, EntitySentinelContent } from './plugin';
export { sentinelApiRef } from './api';
export {
  SENTINEL_GROUP_ANNOTATION,
  getSentinelGroup,
  isSentinelAvailable,
} from './annotations';
