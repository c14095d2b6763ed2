import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { SENTINEL_GROUP_ANNOTATION } from './annotations';
import { sentinelApiRef } from './api';
import { EntitySentinelContent, SentinelPage, sentinelPlugin } from './plugin';
import { mockSentinelApi } from './__testUtils__/fixtures';

describe('sentinel plugin for the legacy frontend system', () => {
  it('is the sentinel plugin and installs the Sentinel API', () => {
    expect(sentinelPlugin.getId()).toBe('sentinel');
    expect([...sentinelPlugin.getApis()].map(factory => factory.api)).toEqual([
      sentinelApiRef,
    ]);
  });

  it('serves the groups overview from SentinelPage', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[sentinelApiRef, mockSentinelApi()]]}>
        <Routes>
          <Route path="/sentinel/*" element={<SentinelPage />} />
        </Routes>
      </TestApiProvider>,
      { routeEntries: ['/sentinel'] },
    );

    expect(
      await screen.findByRole('link', { name: 'sessions' }),
    ).toBeInTheDocument();
  });

  it('renders EntitySentinelContent for an annotated entity', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[sentinelApiRef, mockSentinelApi()]]}>
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'session-api',
              annotations: { [SENTINEL_GROUP_ANNOTATION]: 'sessions' },
            },
          }}
        >
          <EntitySentinelContent />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(
      await screen.findByText('Redis Sentinel group sessions'),
    ).toBeInTheDocument();
  });
});
