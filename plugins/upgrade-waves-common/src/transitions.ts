import type { ClusterStatus, Wave, WaveStatus } from './types';

/**
 * The one table of allowed cluster transitions (GUARD's flow, with its failure branches).
 *
 * @public
 */
export const CLUSTER_TRANSITIONS: Record<ClusterStatus, ClusterStatus[]> = {
  PENDING: ['PRE_CHECK_RUNNING'],
  // Back to PENDING when the wave halts (fail-fast) before this cluster's checks finished.
  PRE_CHECK_RUNNING: ['PRE_CHECK_PASSED', 'PRE_CHECK_FAILED', 'PENDING'],
  // ROLLBACK_REQUIRED: a merge request a crash left unrecorded was merged in GitLab after a cancel.
  PRE_CHECK_PASSED: ['MR_CREATED', 'ROLLBACK_REQUIRED'],
  PRE_CHECK_FAILED: [],
  // ROLLBACK_REQUIRED: the merge request was merged outside the wave's flow (after a cancel, or unapproved).
  MR_CREATED: ['UPGRADING', 'ROLLBACK_REQUIRED'],
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
  PRE_CHECKS: ['AWAITING_APPROVAL', 'HALTED', 'CANCELLED', 'NEEDS_ATTENTION'],
  // UPGRADING straight from here: the merge was done in GitLab (mergeMode manual) after an approval.
  AWAITING_APPROVAL: ['MERGING', 'UPGRADING', 'CANCELLED', 'NEEDS_ATTENTION'],
  // Approved and committed to merging: no cancel or reject any more. CANCELLED only when GitLab shows the
  // merge request closed with nothing merged.
  MERGING: ['UPGRADING', 'CANCELLED', 'NEEDS_ATTENTION'],
  UPGRADING: ['SOAKING', 'ROLLING_BACK', 'NEEDS_ATTENTION'],
  SOAKING: ['SUCCEEDED', 'ROLLING_BACK', 'NEEDS_ATTENTION'],
  SUCCEEDED: ['ROLLING_BACK'],
  HALTED: [],
  ROLLING_BACK: ['ROLLED_BACK', 'NEEDS_ATTENTION'],
  ROLLED_BACK: [],
  // ROLLING_BACK: the upgrade merge request turned out merged (in GitLab) after the cancel; what really
  // happened is followed, not hidden behind CANCELLED.
  CANCELLED: ['ROLLING_BACK'],
  // Back where it stalled (retry, or an approval of a merge done in GitLab), or out through a rollback or cancel.
  NEEDS_ATTENTION: [
    'PRE_CHECKS',
    'AWAITING_APPROVAL',
    'MERGING',
    'UPGRADING',
    'SOAKING',
    'ROLLING_BACK',
    'CANCELLED',
  ],
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

/** What a person can do to a wave. @public */
export type WaveAction =
  | 'approve'
  | 'reject'
  | 'pause'
  | 'resume'
  | 'rollback'
  | 'cancel'
  | 'retry';

/**
 * Wave states in which a person may take each action; NEEDS_ATTENTION depends on why (see {@link waveActionAllowed}).
 * The backend answers 409 outside these. @public
 */
export const WAVE_ACTIONS_ALLOWED_IN: Record<WaveAction, WaveStatus[]> = {
  approve: ['AWAITING_APPROVAL', 'NEEDS_ATTENTION'],
  reject: ['AWAITING_APPROVAL'],
  pause: ['PRE_CHECKS', 'AWAITING_APPROVAL', 'UPGRADING', 'SOAKING'],
  resume: ['PRE_CHECKS', 'AWAITING_APPROVAL', 'UPGRADING', 'SOAKING'],
  rollback: ['UPGRADING', 'SOAKING', 'SUCCEEDED', 'NEEDS_ATTENTION'],
  cancel: ['PRE_CHECKS', 'AWAITING_APPROVAL', 'NEEDS_ATTENTION'],
  retry: ['NEEDS_ATTENTION'],
};

/**
 * Whether `action` is open on `wave` now; the one rule the backend enforces and the buttons follow. Once the upgrade
 * merge request is (or may be) merged — by Fleetdeck or by someone in GitLab — the clusters may be changing: cancel and
 * reject are closed and rollback is the way out. On a wave that needs attention, approve adopts a merge done in GitLab
 * without an approval, and retry is open for any stall but that one (it needs an approval).
 *
 * @public
 */
export function waveActionAllowed(
  wave: Pick<Wave, 'status' | 'attention'> & Partial<Pick<Wave, 'mergeRequests'>>,
  action: WaveAction,
): boolean {
  const merged =
    (wave.attention?.upgradeMerged ?? false) ||
    (wave.mergeRequests ?? []).some(
      m => m.kind === 'upgrade' && m.state === 'merged',
    );
  if (action === 'rollback' && wave.status === 'AWAITING_APPROVAL') {
    return merged;
  }
  if (!WAVE_ACTIONS_ALLOWED_IN[action].includes(wave.status)) return false;
  if ((action === 'cancel' || action === 'reject') && merged) return false;
  if (wave.status !== 'NEEDS_ATTENTION') return true;
  const attention = wave.attention;
  switch (action) {
    case 'approve':
      return attention?.kind === 'unapproved-merge';
    case 'rollback':
      return merged;
    case 'cancel':
      return true;
    case 'retry':
      return attention !== undefined && attention.kind !== 'unapproved-merge';
    default:
      return false;
  }
}
