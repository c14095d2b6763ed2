/**
 * What Fleetdeck's -common packages share.
 *
 * @packageDocumentation
 */
export * from './PluginRequester';
