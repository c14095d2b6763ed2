import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import LayersIcon from '@material-ui/icons/Layers';
import {
  isComponentOnClusters,
  isKubernetesClusterResource,
} from './annotations';
import { upgradeWavesApiFactory } from './api';
import { rootRouteRef } from './routes';

/** @alpha */
export const upgradeWavesApi = ApiBlueprint.make({
  params: defineParams => defineParams(upgradeWavesApiFactory),
});

/**
 * The Upgrade Waves pages at `/upgrade-waves`; the page's title and icon make the nav item.
 *
 * @alpha
 */
export const upgradeWavesPage = PageBlueprint.make({
  params: {
    path: '/upgrade-waves',
    routeRef: rootRouteRef,
    title: 'Upgrade Waves',
    icon: <LayersIcon fontSize="inherit" />,
    // The pages bring their own core-components Header, the same in both frontend systems.
    noHeader: true,
    loader: () => import('./components/Router').then(m => <m.Router />),
  },
});

/**
 * The "Istio Upgrades" tab of cluster Resources (`spec.type: kubernetes-cluster`).
 *
 * @alpha
 */
export const entityClusterUpgradesContent = EntityContentBlueprint.make({
  name: 'cluster',
  params: {
    path: '/istio-upgrades',
    title: 'Istio Upgrades',
    filter: isKubernetesClusterResource,
    loader: () =>
      import('./components/EntityClusterUpgradesContent').then(m => (
        <m.EntityClusterUpgradesContent />
      )),
  },
});

/**
 * The "Upgrade Waves" tab of Components that say where they run.
 *
 * @alpha
 */
export const entityComponentWavesContent = EntityContentBlueprint.make({
  name: 'component',
  params: {
    path: '/upgrade-waves',
    title: 'Upgrade Waves',
    filter: isComponentOnClusters,
    loader: () =>
      import('./components/EntityComponentWavesContent').then(m => (
        <m.EntityComponentWavesContent />
      )),
  },
});

/**
 * The upgrade-waves plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'upgrade-waves',
  title: 'Upgrade Waves',
  icon: <LayersIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    upgradeWavesApi,
    upgradeWavesPage,
    entityClusterUpgradesContent,
    entityComponentWavesContent,
  ],
});
