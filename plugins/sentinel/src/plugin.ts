import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { sentinelApiFactory } from './api';
import { rootRouteRef } from './routes';

/**
 * The Redis Sentinel plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const sentinelPlugin = createPlugin({
  id: 'sentinel',
  apis: [sentinelApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The Sentinel pages: the groups overview at the mount point and a page per group under `groups/:group`.
 *
 * @public
 */
export const SentinelPage = sentinelPlugin.provide(
  createRoutableExtension({
    name: 'SentinelPage',
    component: () => import('./components/Router').then(m => m.Router),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The entity tab: the topology and latest failovers of the group named by the `fleetdeck.io/sentinel-group`
 * annotation.
 *
 * @public
 */
export const EntitySentinelContent = sentinelPlugin.provide(
  createComponentExtension({
    name: 'EntitySentinelContent',
    component: {
      lazy: () =>
        import('./components/EntitySentinelContent').then(
          m => m.EntitySentinelContent,
        ),
    },
  }),
);
