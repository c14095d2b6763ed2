/**
 * Types, permissions and the API client shared by the Fleetdeck upgrade-waves plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './transitions';
export * from './api';
export * from './limits';
