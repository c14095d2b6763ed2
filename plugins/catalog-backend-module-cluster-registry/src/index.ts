/**
 * A catalog backend module that adds the clusters of Fleetdeck's upgrade-waves registry to the
 * catalog as `Resource` entities of type `kubernetes-cluster`.
 *
 * @packageDocumentation
 */
export { catalogModuleClusterRegistry as default } from './module';
export * from './providers';
// Re-exported so users of this module need not know which package defines the topic.
export { CLUSTER_REGISTRY_EVENT_TOPIC } from '@fleetdeck/plugin-upgrade-waves-common';
