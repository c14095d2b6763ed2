import { Entity } from '@backstage/catalog-model';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import sentinelPlugin, { entitySentinelContent, sentinelPage } from './alpha';
import { SENTINEL_GROUP_ANNOTATION } from './annotations';
import { sentinelApiRef } from './api';
import { mockSentinelApi } from './__testUtils__/fixtures';

function entity(kind: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'session-api', annotations },
  };
}

describe('sentinel plugin for the new frontend system', () => {
  it('is the sentinel plugin with its API, page and entity tab', () => {
    expect(sentinelPlugin.id).toBe('sentinel');
    expect(sentinelPlugin.getExtension('api:sentinel')).toBeDefined();
    expect(sentinelPlugin.getExtension('page:sentinel')).toBeDefined();
    expect(
      sentinelPlugin.getExtension('entity-content:sentinel'),
    ).toBeDefined();
  });

  it('serves the groups overview at /sentinel in an app', async () => {
    const api = mockSentinelApi();
    renderTestApp({
      features: [sentinelPlugin],
      initialRouteEntries: ['/sentinel'],
      apis: [[sentinelApiRef, api]],
    });

    expect(
      await screen.findByRole('link', { name: 'sessions' }, { timeout: 5000 }),
    ).toHaveAttribute('href', '/sentinel/groups/sessions');
    expect(api.listGroups).toHaveBeenCalled();
  });

  it('serves a group page under /sentinel/groups/:group in an app', async () => {
    const api = mockSentinelApi();
    renderTestApp({
      features: [sentinelPlugin],
      initialRouteEntries: ['/sentinel/groups/sessions'],
      apis: [[sentinelApiRef, api], mockApis.permission()],
    });

    expect(
      await screen.findByText('Replicas (2)', undefined, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(api.getTopology).toHaveBeenCalledWith('sessions');
  });

  it('gives the page the title and path the nav item is made from', () => {
    const tester = createExtensionTester(sentinelPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/sentinel');
    expect(tester.get(coreExtensionData.title)).toBe('Redis Sentinel');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('adds the entity tab to Components annotated with their Sentinel group only', () => {
    const tester = createExtensionTester(entitySentinelContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Redis Sentinel',
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/sentinel');

    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(
      filter?.(
        entity('Component', { [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      ),
    ).toBe(true);
    expect(filter?.(entity('Component', {}))).toBe(false);
    expect(
      filter?.(entity('Resource', { [SENTINEL_GROUP_ANNOTATION]: 'sessions' })),
    ).toBe(false);
  });
});
