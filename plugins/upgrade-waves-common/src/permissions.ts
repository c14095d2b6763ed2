import { createPermission } from '@backstage/plugin-permission-common';

/** Start a wave. @public */
export const waveCreatePermission = createPermission({
  name: 'upgrade-waves.wave.create',
  attributes: { action: 'create' },
});

/** Approve or reject a wave awaiting approval. @public */
export const waveApprovePermission = createPermission({
  name: 'upgrade-waves.wave.approve',
  attributes: { action: 'update' },
});

/** Roll a wave back. @public */
export const waveRollbackPermission = createPermission({
  name: 'upgrade-waves.wave.rollback',
  attributes: { action: 'update' },
});

/** Pause, resume or cancel a wave. @public */
export const wavePausePermission = createPermission({
  name: 'upgrade-waves.wave.pause',
  attributes: { action: 'update' },
});

/** Start a wave although the batch before it is not HEALTHY on the target version. @public */
export const waveOverrideOrderPermission = createPermission({
  name: 'upgrade-waves.wave.override-order',
  attributes: { action: 'update' },
});

/** Register or update a cluster in the registry. @public */
export const clusterRegisterPermission = createPermission({
  name: 'upgrade-waves.cluster.register',
  attributes: { action: 'create' },
});

/** @public */
export const upgradeWavesPermissions = [
  waveCreatePermission,
  waveApprovePermission,
  waveRollbackPermission,
  wavePausePermission,
  waveOverrideOrderPermission,
  clusterRegisterPermission,
];
