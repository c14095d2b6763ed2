import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import StorageIcon from '@material-ui/icons/Storage';
import { isSentinelAvailable } from './annotations';
import { sentinelApiFactory } from './api';
import { rootRouteRef } from './routes';

/** @alpha */
export const sentinelApi = ApiBlueprint.make({
  params: defineParams => defineParams(sentinelApiFactory),
});

/**
 * The Sentinel pages at `/sentinel`; its title and icon make the nav item.
 *
 * @alpha
 */
export const sentinelPage = PageBlueprint.make({
  params: {
    path: '/sentinel',
    routeRef: rootRouteRef,
    title: 'Redis Sentinel',
    icon: <StorageIcon fontSize="inherit" />,
    // The pages bring their own core-components Header, the same in both frontend systems.
    noHeader: true,
    loader: () => import('./components/Router').then(m => <m.Router />),
  },
});

/**
 * The "Redis Sentinel" tab of Components annotated with `fleetdeck.io/sentinel-group`.
 *
 * @alpha
 */
export const entitySentinelContent = EntityContentBlueprint.make({
  params: {
    path: '/sentinel',
    title: 'Redis Sentinel',
    group: 'operation',
    filter: isSentinelAvailable,
    loader: () =>
      import('./components/EntitySentinelContent').then(m => (
        <m.EntitySentinelContent />
      )),
  },
});

/**
 * The Redis Sentinel plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'sentinel',
  title: 'Redis Sentinel',
  icon: <StorageIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [sentinelApi, sentinelPage, entitySentinelContent],
});
