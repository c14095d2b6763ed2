import { ReactNode } from 'react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configApiRef, identityApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { UpgradeWavesApi } from '@fleetdeck/plugin-upgrade-waves-common';
import { upgradeWavesApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ADA } from './fixtures';
import { fakeSignalApi } from './signals';

/**
 * Renders `element` in a test app with a fake upgrade-waves API, a fake signal API (unless `signals: false`), the
 * signed-in user `user` (ada by default), a permission API that denies the permissions named in `deny` (or all
 * with `deny: 'all'`), config `config`, the catalog's entity pages mounted (for EntityRefLink), and the plugin's page mounted at
 * /upgrade-waves (unless `mountPage: false`).
 *
 * Note: `usePermission` caches its decisions for the whole test file; put tests with other decisions in their
 * own file.
 */
export async function renderWithApis(
  element: ReactNode,
  options: {
    api: jest.Mocked<UpgradeWavesApi>;
    signals?: ReturnType<typeof fakeSignalApi> | false;
    user?: string;
    deny?: string[] | 'all';
    config?: object;
    mountPage?: boolean;
    routeEntries?: string[];
  },
) {
  const signals = options.signals ?? fakeSignalApi();
  const deny = options.deny ?? [];
  const apis = [
    [upgradeWavesApiRef, options.api],
    [
      permissionApiRef,
      mockApis.permission({
        authorize: request =>
          deny === 'all' || deny.includes(request.permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
    ],
    [identityApiRef, mockApis.identity({ userEntityRef: options.user ?? ADA })],
    [configApiRef, mockApis.config({ data: options.config ?? {} })],
    ...(signals ? [[signalApiRef, signals.api]] : []),
  ] as Parameters<typeof TestApiProvider>[0]['apis'];
  const rendered = await renderInTestApp(
    <TestApiProvider apis={apis}>{element}</TestApiProvider>,
    {
      mountedRoutes: {
        // EntityRefLink links to the catalog's entity pages.
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...(options.mountPage === false
          ? {}
          : { '/upgrade-waves': rootRouteRef }),
      },
      routeEntries: options.routeEntries,
    },
  );
  return { container: rendered.container, signals: signals || undefined };
}
