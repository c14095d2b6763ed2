import { createPermission } from '@backstage/plugin-permission-common';

/** Trigger a failover (`SENTINEL FAILOVER`), e.g. for a game day. @public */
export const sentinelFailoverTriggerPermission = createPermission({
  name: 'sentinel.failover.trigger',
  attributes: { action: 'update' },
});

/** @public */
export const sentinelPermissions = [sentinelFailoverTriggerPermission];
