/**
 * Fleetdeck upgrade waves backend: cluster registry, wave orchestrator, GitLab merge requests, approvals,
 * soak, validation and rollback.
 *
 * @packageDocumentation
 */
export { upgradeWavesPlugin as default } from './plugin';
export type { ClusterRegistry, ClusterStateUpdate } from './registry/types';
