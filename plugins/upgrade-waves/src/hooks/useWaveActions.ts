import useAsync from 'react-use/esm/useAsync';
import {
  configApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Wave,
  WaveAction,
  waveActionAllowed,
  waveApprovePermission,
  wavePausePermission,
  waveRollbackPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** The buttons of a wave page: one per action a person can take on a wave. */
export type { WaveAction };

/** Whether a button is shown, and when shown whether it is enabled or why not. */
export interface WaveActionState {
  /** The wave allows the action now (`waveActionAllowed`; the backend answers 409 otherwise); hidden when false. */
  available: boolean;
  /** Why the button is disabled; undefined when the user may click it (or while permissions load). */
  disabledReason?: string;
  loading: boolean;
}

const PERMISSION_OF: Record<WaveAction, typeof waveApprovePermission> = {
  approve: waveApprovePermission,
  reject: waveApprovePermission,
  pause: wavePausePermission,
  resume: wavePausePermission,
  cancel: wavePausePermission,
  // The backend guards retry with the pause permission: both only steer a wave that is already running.
  retry: wavePausePermission,
  rollback: waveRollbackPermission,
};

/**
 * The state of each action button for `wave` and the signed-in user: open on the wave now (`waveActionAllowed`,
 * the rule the backend enforces: on a wave that needs attention it depends on why), allowed by
 * the permission framework, and — for approve — not the wave's starter unless
 * `upgradeWaves.approval.allowSelfApproval` (four-eyes, as the backend enforces it).
 */
export function useWaveActions(
  wave: Wave | undefined,
): Record<WaveAction, WaveActionState> {
  const identityApi = useApi(identityApiRef);
  const configApi = useApi(configApiRef);
  const approve = usePermission({ permission: waveApprovePermission });
  const pause = usePermission({ permission: wavePausePermission });
  const rollback = usePermission({ permission: waveRollbackPermission });
  const decisions = {
    [waveApprovePermission.name]: approve,
    [wavePausePermission.name]: pause,
    [waveRollbackPermission.name]: rollback,
  };
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const allowSelfApproval =
    configApi.getOptionalBoolean('upgradeWaves.approval.allowSelfApproval') ??
    false;
  const isStarter =
    wave !== undefined && identity.value?.userEntityRef === wave.createdBy;

  const stateOf = (action: WaveAction): WaveActionState => {
    const permission = PERMISSION_OF[action];
    const decision = decisions[permission.name];
    const available =
      wave !== undefined &&
      waveActionAllowed(wave, action) &&
      (action === 'pause' ? !wave.paused : true) &&
      (action === 'resume' ? wave.paused : true);
    if (decision.loading) return { available, loading: true };
    if (!decision.allowed) {
      return {
        available,
        loading: false,
        disabledReason: `You do not have the ${permission.name} permission.`,
      };
    }
    if (action === 'approve' && isStarter && !allowSelfApproval) {
      return {
        available,
        loading: false,
        disabledReason:
          'You started this wave; another person must approve it (four-eyes).',
      };
    }
    return { available, loading: false };
  };

  return {
    approve: stateOf('approve'),
    reject: stateOf('reject'),
    pause: stateOf('pause'),
    resume: stateOf('resume'),
    rollback: stateOf('rollback'),
    cancel: stateOf('cancel'),
    retry: stateOf('retry'),
  };
}
