import { ReactNode } from 'react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { WarmPoolsApi } from '@fleetdeck/plugin-warm-pools-common';
import { warmPoolsApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { fakeSignalApi } from './signals';

/**
 * Renders `element` in a test app with a fake warm-pools API, a fake signal API (unless `signals: false`), a
 * permission API answering `authorize`, and the plugin's page mounted at /warm-pools (unless `mountPage: false`).
 */
export async function renderWithApis(
  element: ReactNode,
  options: {
    api: jest.Mocked<WarmPoolsApi>;
    signals?: ReturnType<typeof fakeSignalApi> | false;
    authorize?: 'ALLOW' | 'DENY';
    mountPage?: boolean;
    routeEntries?: string[];
  },
) {
  const signals = options.signals ?? fakeSignalApi();
  const apis = [
    [warmPoolsApiRef, options.api],
    [
      permissionApiRef,
      mockApis.permission({ authorize: options.authorize ?? 'ALLOW' }),
    ],
    ...(signals ? [[signalApiRef, signals.api]] : []),
  ] as Parameters<typeof TestApiProvider>[0]['apis'];
  const rendered = await renderInTestApp(
    <TestApiProvider apis={apis}>{element}</TestApiProvider>,
    {
      mountedRoutes:
        options.mountPage === false
          ? undefined
          : { '/warm-pools': rootRouteRef },
      routeEntries: options.routeEntries,
    },
  );
  return { container: rendered.container, signals: signals || undefined };
}
