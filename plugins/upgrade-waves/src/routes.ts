import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The plugin's root page: the fleet, batch by batch, with its active waves. */
export const rootRouteRef = createRouteRef({ id: 'upgrade-waves' });

/** One wave's page. */
export const waveRouteRef = createSubRouteRef({
  id: 'upgrade-waves/wave',
  parent: rootRouteRef,
  path: '/waves/:waveId',
});
