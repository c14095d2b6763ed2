/**
 * Scaffolder actions for Fleetdeck: start and roll back Istio upgrade waves, register clusters.
 *
 * @packageDocumentation
 */
export { scaffolderModuleFleetdeck as default } from './module';
export * from './actions';
