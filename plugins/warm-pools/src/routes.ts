import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The plugin's root page: every pool across the clusters. */
export const rootRouteRef = createRouteRef({ id: 'warm-pools' });

/** One pool's page; the three parts make its `PoolId`. */
export const poolRouteRef = createSubRouteRef({
  id: 'warm-pools/pool',
  parent: rootRouteRef,
  path: '/:cluster/:namespace/:pool',
});
