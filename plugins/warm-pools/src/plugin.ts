import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { warmPoolsApiFactory } from './api';
import { rootRouteRef } from './routes';

/**
 * The warm-pools plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const warmPoolsPlugin = createPlugin({
  id: 'warm-pools',
  apis: [warmPoolsApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The Warm Pools pages: every pool at the mount point, a page per pool under `:cluster/:namespace/:pool`.
 *
 * @public
 */
export const WarmPoolsPage = warmPoolsPlugin.provide(
  createRoutableExtension({
    name: 'WarmPoolsPage',
    component: () => import('./components/Router').then(m => m.Router),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The entity tab: the pool named by the `fleetdeck.io/warm-pool` annotation, as on its pool page.
 *
 * @public
 */
export const EntityWarmPoolContent = warmPoolsPlugin.provide(
  createComponentExtension({
    name: 'EntityWarmPoolContent',
    component: {
      lazy: () =>
        import('./components/EntityWarmPoolContent').then(
          m => m.EntityWarmPoolContent,
        ),
    },
  }),
);
