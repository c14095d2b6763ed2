import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import warmPoolsPlugin, { entityWarmPoolContent, warmPoolsPage } from './alpha';
import { WARM_POOL_ANNOTATION } from './annotations';
import { warmPoolsApiRef } from './api';
import { mockWarmPoolsApi } from './__testUtils__/fixtures';

jest.setTimeout(30_000);

function entity(kind: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'session-service', annotations },
  };
}

describe('warm-pools plugin for the new frontend system', () => {
  it('is the warm-pools plugin with its API, page and entity tab', () => {
    expect(warmPoolsPlugin.id).toBe('warm-pools');
    expect(warmPoolsPlugin.getExtension('api:warm-pools')).toBeDefined();
    expect(warmPoolsPlugin.getExtension('page:warm-pools')).toBeDefined();
    expect(
      warmPoolsPlugin.getExtension('entity-content:warm-pools'),
    ).toBeDefined();
  });

  it('serves the pools at /warm-pools in an app', async () => {
    const api = mockWarmPoolsApi();
    renderTestApp({
      features: [warmPoolsPlugin],
      initialRouteEntries: ['/warm-pools'],
      apis: [[warmPoolsApiRef, api]],
    });

    const [link] = await screen.findAllByRole(
      'link',
      { name: 'gpu' },
      { timeout: 10_000 },
    );
    expect(link).toHaveAttribute('href', '/warm-pools/prod-eu-1/sessions/gpu');
    expect(api.listPools).toHaveBeenCalled();
  });

  it('serves a pool page under /warm-pools/:cluster/:namespace/:pool in an app', async () => {
    const api = mockWarmPoolsApi();
    renderTestApp({
      features: [warmPoolsPlugin],
      initialRouteEntries: ['/warm-pools/prod-eu-1/sessions/warm'],
      apis: [[warmPoolsApiRef, api], mockApis.permission()],
    });

    expect(
      await screen.findByRole(
        'group',
        { name: 'Warm ready' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(api.getPool).toHaveBeenCalledWith('prod-eu-1/sessions/warm');
  });

  it('gives the page the path, title and icon the nav item is made from', () => {
    const tester = createExtensionTester(warmPoolsPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/warm-pools');
    expect(tester.get(coreExtensionData.title)).toBe('Warm Pools');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('adds the "Warm Pool" tab to Components annotated with their pool only', () => {
    const tester = createExtensionTester(entityWarmPoolContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Warm Pool');
    expect(tester.get(coreExtensionData.routePath)).toBe('/warm-pool');

    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(
      filter?.(
        entity('Component', {
          [WARM_POOL_ANNOTATION]: 'prod-eu-1/sessions/warm',
        }),
      ),
    ).toBe(true);
    expect(
      filter?.(entity('Component', { [WARM_POOL_ANNOTATION]: 'malformed' })),
    ).toBe(true);
    expect(filter?.(entity('Component', {}))).toBe(false);
    expect(
      filter?.(
        entity('Resource', {
          [WARM_POOL_ANNOTATION]: 'prod-eu-1/sessions/warm',
        }),
      ),
    ).toBe(false);
  });
});
