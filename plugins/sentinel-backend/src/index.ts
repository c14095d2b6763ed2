/**
 * Fleetdeck Redis Sentinel backend: topology and health of Sentinel groups, failover records by phase,
 * replica lag history, the session-store shape of seed 004, and game-day failovers.
 *
 * @packageDocumentation
 */
export { sentinelPlugin as default } from './plugin';
