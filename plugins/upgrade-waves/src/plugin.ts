import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import { upgradeWavesApiFactory } from './api';
import { rootRouteRef } from './routes';

/**
 * The upgrade-waves plugin for apps on the legacy frontend system.
 *
 * @public
 */
export const upgradeWavesPlugin = createPlugin({
  id: 'upgrade-waves',
  apis: [upgradeWavesApiFactory],
  routes: { root: rootRouteRef },
});

/**
 * The Upgrade Waves pages: the fleet at the mount point, a page per wave under `waves/:waveId`.
 *
 * @public
 */
export const UpgradeWavesPage = upgradeWavesPlugin.provide(
  createRoutableExtension({
    name: 'UpgradeWavesPage',
    component: () => import('./components/Router').then(m => m.Router),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The tab of a cluster Resource (`spec.type: kubernetes-cluster`): its current upgrade state and its history.
 *
 * @public
 */
export const EntityClusterUpgradesContent = upgradeWavesPlugin.provide(
  createComponentExtension({
    name: 'EntityClusterUpgradesContent',
    component: {
      lazy: () =>
        import('./components/EntityClusterUpgradesContent').then(
          m => m.EntityClusterUpgradesContent,
        ),
    },
  }),
);

/**
 * The tab of a Component: the waves that touch the clusters it runs on.
 *
 * @public
 */
export const EntityComponentWavesContent = upgradeWavesPlugin.provide(
  createComponentExtension({
    name: 'EntityComponentWavesContent',
    component: {
      lazy: () =>
        import('./components/EntityComponentWavesContent').then(
          m => m.EntityComponentWavesContent,
        ),
    },
  }),
);
