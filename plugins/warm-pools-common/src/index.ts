/**
 * Types and permissions shared by the Fleetdeck warm-pools plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './api';
