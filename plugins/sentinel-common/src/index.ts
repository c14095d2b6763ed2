/**
 * Types, permission and API client shared by the Fleetdeck Redis Sentinel plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './permissions';
export * from './api';
