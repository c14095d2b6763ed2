import { Entity } from '@backstage/catalog-model';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  coreExtensionData,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import upgradeWavesPlugin, {
  entityClusterUpgradesContent,
  entityComponentWavesContent,
  upgradeWavesPage,
} from './alpha';
import { upgradeWavesApiRef } from './api';
import { mockUpgradeWavesApi } from './__testUtils__/fixtures';

jest.setTimeout(30_000);

function entity(
  kind: string,
  spec: object,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'test-1', annotations },
    spec,
  };
}

/** The catalog's entity pages, as far as the pages' links to entities (owners, Components) need them. */
const catalogEntityPages = createFrontendPlugin({
  pluginId: 'catalog',
  extensions: [
    PageBlueprint.make({
      params: {
        path: '/catalog/:namespace/:kind/:name',
        routeRef: convertLegacyRouteRef(entityRouteRef),
        loader: async () => <div>entity page</div>,
      },
    }),
  ],
});

describe('upgrade-waves plugin for the new frontend system', () => {
  it('is the upgrade-waves plugin with its API, page and entity tabs', () => {
    expect(upgradeWavesPlugin.id).toBe('upgrade-waves');
    expect(upgradeWavesPlugin.getExtension('api:upgrade-waves')).toBeDefined();
    expect(upgradeWavesPlugin.getExtension('page:upgrade-waves')).toBeDefined();
    expect(
      upgradeWavesPlugin.getExtension('entity-content:upgrade-waves/cluster'),
    ).toBeDefined();
    expect(
      upgradeWavesPlugin.getExtension('entity-content:upgrade-waves/component'),
    ).toBeDefined();
  });

  it('serves the fleet at /upgrade-waves in an app', async () => {
    const api = mockUpgradeWavesApi();
    renderTestApp({
      features: [upgradeWavesPlugin, catalogEntityPages],
      initialRouteEntries: ['/upgrade-waves'],
      apis: [[upgradeWavesApiRef, api], mockApis.permission()],
    });

    expect(
      await screen.findByRole(
        'button',
        { name: 'Start wave' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(api.listBatches).toHaveBeenCalled();
  });

  it('serves a wave page under /upgrade-waves/waves/:waveId in an app', async () => {
    const api = mockUpgradeWavesApi();
    renderTestApp({
      features: [upgradeWavesPlugin, catalogEntityPages],
      initialRouteEntries: ['/upgrade-waves/waves/wave-1'],
      apis: [[upgradeWavesApiRef, api], mockApis.permission()],
    });

    expect(
      await screen.findByRole(
        'heading',
        { name: 'Wave to 1.23.0 on test' },
        { timeout: 25_000 },
      ),
    ).toBeInTheDocument();
    expect(api.getWave).toHaveBeenCalledWith('wave-1');
  });

  it('gives the page the path, title and icon the nav item is made from', () => {
    const tester = createExtensionTester(upgradeWavesPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/upgrade-waves');
    expect(tester.get(coreExtensionData.title)).toBe('Upgrade Waves');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('adds "Istio Upgrades" to cluster Resources and "Upgrade Waves" to Components on clusters', () => {
    const cluster = createExtensionTester(entityClusterUpgradesContent);
    expect(cluster.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Istio Upgrades',
    );
    expect(cluster.get(coreExtensionData.routePath)).toBe('/istio-upgrades');
    const clusterFilter = cluster.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    expect(
      clusterFilter?.(entity('Resource', { type: 'kubernetes-cluster' })),
    ).toBe(true);
    expect(clusterFilter?.(entity('Resource', { type: 'database' }))).toBe(
      false,
    );

    const component = createExtensionTester(entityComponentWavesContent);
    expect(component.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Upgrade Waves',
    );
    expect(component.get(coreExtensionData.routePath)).toBe('/upgrade-waves');
    const componentFilter = component.get(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    expect(
      componentFilter?.(
        entity('Component', {}, { 'backstage.io/kubernetes-id': 'cart' }),
      ),
    ).toBe(true);
    expect(componentFilter?.(entity('Component', {}))).toBe(false);
  });
});
