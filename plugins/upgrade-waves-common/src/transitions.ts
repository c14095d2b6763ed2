import type { ClusterStatus, WaveStatus } from './types';

/**
 * The one table of allowed cluster transitions (GUARD's flow, with its failure branches).
 *
 * @public
 */
export const CLUSTER_TRANSITIONS: Record<ClusterStatus, ClusterStatus[]> = {
  PENDING: ['PRE_CHECK_RUNNING'],
  // Back to PENDING when the wave halts (fail-fast) before this cluster's checks finished.
  PRE_CHECK_RUNNING: ['PRE_CHECK_PASSED', 'PRE_CHECK_FAILED', 'PENDING'],
  PRE_CHECK_PASSED: ['MR_CREATED'],
  PRE_CHECK_FAILED: [],
  MR_CREATED: ['UPGRADING'],
  UPGRADING: ['POST_CHECK_RUNNING', 'ROLLBACK_REQUIRED'],
  POST_CHECK_RUNNING: ['HEALTHY', 'ROLLBACK_REQUIRED'],
  HEALTHY: ['ROLLBACK_REQUIRED'],
  ROLLBACK_REQUIRED: ['FAILED_UPGRADE_ROLLED_BACK'],
  FAILED_UPGRADE_ROLLED_BACK: [],
};

/**
 * The one table of allowed wave transitions.
 *
 * @public
 */
export const WAVE_TRANSITIONS: Record<WaveStatus, WaveStatus[]> = {
  PRE_CHECKS: ['AWAITING_APPROVAL', 'HALTED', 'CANCELLED'],
  AWAITING_APPROVAL: ['UPGRADING', 'CANCELLED'],
  UPGRADING: ['SOAKING', 'ROLLING_BACK'],
  SOAKING: ['SUCCEEDED', 'ROLLING_BACK'],
  SUCCEEDED: ['ROLLING_BACK'],
  HALTED: [],
  ROLLING_BACK: ['ROLLED_BACK'],
  ROLLED_BACK: [],
  CANCELLED: [],
};

/** @public */
export function canTransitionWave(from: WaveStatus, to: WaveStatus): boolean {
  return WAVE_TRANSITIONS[from].includes(to);
}

/** @public */
export function canTransitionCluster(
  from: ClusterStatus,
  to: ClusterStatus,
): boolean {
  return CLUSTER_TRANSITIONS[from].includes(to);
}

/** Waves a person may act on, by action; the backend answers 409 outside these. @public */
export const WAVE_ACTIONS_ALLOWED_IN: Record<
  'approve' | 'reject' | 'pause' | 'resume' | 'rollback' | 'cancel',
  WaveStatus[]
> = {
  approve: ['AWAITING_APPROVAL'],
  reject: ['AWAITING_APPROVAL'],
  pause: ['PRE_CHECKS', 'AWAITING_APPROVAL', 'UPGRADING', 'SOAKING'],
  resume: ['PRE_CHECKS', 'AWAITING_APPROVAL', 'UPGRADING', 'SOAKING'],
  rollback: ['UPGRADING', 'SOAKING', 'SUCCEEDED'],
  cancel: ['PRE_CHECKS', 'AWAITING_APPROVAL'],
};
