import { Route, Routes } from 'react-router-dom';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { WARM_POOL_ANNOTATION } from './annotations';
import { warmPoolsApiRef } from './api';
import {
  EntityWarmPoolContent,
  WarmPoolsPage,
  warmPoolsPlugin,
} from './plugin';
import { POOL_ID, mockWarmPoolsApi } from './__testUtils__/fixtures';
import { renderWithApis } from './__testUtils__/render';

jest.setTimeout(30_000);

describe('warm-pools plugin for the legacy frontend system', () => {
  it('is the warm-pools plugin and installs the warm-pools API', () => {
    expect(warmPoolsPlugin.getId()).toBe('warm-pools');
    expect([...warmPoolsPlugin.getApis()].map(factory => factory.api)).toEqual([
      warmPoolsApiRef,
    ]);
  });

  it('serves the pools from WarmPoolsPage', async () => {
    await renderWithApis(
      <Routes>
        <Route path="/warm-pools/*" element={<WarmPoolsPage />} />
      </Routes>,
      {
        api: mockWarmPoolsApi(),
        mountPage: false,
        routeEntries: ['/warm-pools'],
      },
    );

    expect(await screen.findByText('Warm pools (3)')).toBeInTheDocument();
  });

  it('renders EntityWarmPoolContent for an annotated entity', async () => {
    await renderWithApis(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'session-service',
            annotations: { [WARM_POOL_ANNOTATION]: POOL_ID },
          },
        }}
      >
        <EntityWarmPoolContent />
      </EntityProvider>,
      { api: mockWarmPoolsApi() },
    );

    expect(await screen.findByText('Warm pool warm')).toBeInTheDocument();
  });
});
