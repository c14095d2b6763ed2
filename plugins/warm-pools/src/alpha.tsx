import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import WhatshotIcon from '@material-ui/icons/Whatshot';
import { isWarmPoolAvailable } from './annotations';
import { warmPoolsApiFactory } from './api';
import { rootRouteRef } from './routes';

/** @alpha */
export const warmPoolsApi = ApiBlueprint.make({
  params: defineParams => defineParams(warmPoolsApiFactory),
});

/**
 * The Warm Pools pages at `/warm-pools`; the page's title and icon make the nav item.
 *
 * @alpha
 */
export const warmPoolsPage = PageBlueprint.make({
  params: {
    path: '/warm-pools',
    routeRef: rootRouteRef,
    title: 'Warm Pools',
    icon: <WhatshotIcon fontSize="inherit" />,
    // The pages bring their own core-components Header, the same in both frontend systems.
    noHeader: true,
    loader: () => import('./components/Router').then(m => <m.Router />),
  },
});

/**
 * The "Warm Pool" tab of Components annotated with `fleetdeck.io/warm-pool`.
 *
 * @alpha
 */
export const entityWarmPoolContent = EntityContentBlueprint.make({
  params: {
    path: '/warm-pool',
    title: 'Warm Pool',
    group: 'operation',
    filter: isWarmPoolAvailable,
    loader: () =>
      import('./components/EntityWarmPoolContent').then(m => (
        <m.EntityWarmPoolContent />
      )),
  },
});

/**
 * The warm-pools plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'warm-pools',
  title: 'Warm Pools',
  icon: <WhatshotIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [warmPoolsApi, warmPoolsPage, entityWarmPoolContent],
});
