/**
 * What Fleetdeck's backend plugins share.
 *
 * @packageDocumentation
 */
export { actorOf, notJsonIsBadRequest, parseRequest } from './requests';
