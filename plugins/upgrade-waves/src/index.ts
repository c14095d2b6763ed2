/**
 * Istio upgrade waves for Fleetdeck: the fleet batch by batch with a Start wave button, a live page per wave
 * (clusters, pre-checks, merge request, soak, metrics against baseline, audit log, blast radius, and the
 * Approve / Reject / Pause / Resume / Roll back / Cancel buttons), and entity tabs for clusters and Components.
 * This entry point is the legacy frontend system plugin; `./alpha` holds the new frontend system one.
 *
 * @packageDocumentation
 */
export {
  upgradeWavesPlugin,
  UpgradeWavesPage,
  EntityClusterUpgradesContent,
  EntityComponentWavesContent,
} from './plugin';
export { upgradeWavesApiRef } from './api';
export {
  CLUSTER_ID_ANNOTATION,
  getClusterId,
  isComponentOnClusters,
  isKubernetesClusterResource,
} from './annotations';
