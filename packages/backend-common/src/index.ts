/**
 * What Fleetdeck's backend plugins share.
 *
 * @packageDocumentation
 */
export {
  actorOf,
  notJsonIsBadRequest,
  nulIsBadRequest,
  parseRequest,
} from './requests';
export {
  authorizeUser,
  normalizeUserRef,
  requirePermission,
  sameUser,
} from './authorize';
export type { UserActor } from './authorize';
