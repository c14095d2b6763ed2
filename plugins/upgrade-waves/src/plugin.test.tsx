import { Route, Routes } from 'react-router-dom';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { upgradeWavesApiRef } from './api';
import {
  EntityClusterUpgradesContent,
  EntityComponentWavesContent,
  UpgradeWavesPage,
  upgradeWavesPlugin,
} from './plugin';
import { mockUpgradeWavesApi } from './__testUtils__/fixtures';
import { renderWithApis } from './__testUtils__/render';

jest.setTimeout(30_000);

describe('upgrade-waves plugin for the legacy frontend system', () => {
  it('is the upgrade-waves plugin and installs the upgrade-waves API', () => {
    expect(upgradeWavesPlugin.getId()).toBe('upgrade-waves');
    expect(
      [...upgradeWavesPlugin.getApis()].map(factory => factory.api),
    ).toEqual([upgradeWavesApiRef]);
  });

  it('serves the fleet from UpgradeWavesPage', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(
      <Routes>
        <Route path="/upgrade-waves/*" element={<UpgradeWavesPage />} />
      </Routes>,
      { api, mountPage: false, routeEntries: ['/upgrade-waves'] },
    );

    expect(
      await screen.findByRole('button', { name: 'Start wave' }),
    ).toBeInTheDocument();
    expect(api.listBatches).toHaveBeenCalled();
  });

  it('renders the cluster tab for a cluster Resource', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'test-1',
            annotations: { 'fleetdeck.io/cluster-id': 'test-1' },
          },
          spec: { type: 'kubernetes-cluster' },
        }}
      >
        <EntityClusterUpgradesContent />
      </EntityProvider>,
      { api },
    );

    expect(
      (await screen.findAllByText('1.23.0', undefined, { timeout: 10_000 }))
        .length,
    ).toBeGreaterThan(0);
    expect(api.getCluster).toHaveBeenCalledWith('test-1');
  });

  it('renders the Component tab for a Component', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'cart',
            annotations: { 'backstage.io/kubernetes-id': 'cart' },
          },
          spec: { type: 'service', owner: 'team-shop' },
        }}
      >
        <EntityComponentWavesContent />
      </EntityProvider>,
      { api },
    );

    expect(
      (await screen.findAllByText('test-2', undefined, { timeout: 10_000 }))
        .length,
    ).toBeGreaterThan(0);
    expect(api.getComponentWaves).toHaveBeenCalledWith(
      'component:default/cart',
    );
  });
});
