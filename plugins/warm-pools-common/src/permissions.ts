import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Terminating a session's pod (the pool then heals itself).
 *
 * @public
 */
export const warmPoolsPodTerminatePermission = createPermission({
  name: 'warm-pools.pod.terminate',
  attributes: { action: 'delete' },
});

/** @public */
export const warmPoolsPermissions = [warmPoolsPodTerminatePermission];
