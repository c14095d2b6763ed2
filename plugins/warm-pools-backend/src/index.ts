/**
 * Fleetdeck warm pools backend: pool tracking across clusters.
 *
 * @packageDocumentation
 */
export * from './tracker';
