import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The plugin's root page: the groups overview. */
export const rootRouteRef = createRouteRef({ id: 'sentinel' });

/** One Sentinel group's page. */
export const groupRouteRef = createSubRouteRef({
  id: 'sentinel/group',
  parent: rootRouteRef,
  path: '/groups/:group',
});
