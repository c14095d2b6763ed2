import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  SentinelApi,
  sentinelSignalChannel,
} from '@fleetdeck/plugin-sentinel-common';
import { screen } from '@testing-library/react';
import { SENTINEL_GROUP_ANNOTATION } from '../../annotations';
import { sentinelApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  degradedTopology,
  mockSentinelApi,
} from '../../__testUtils__/fixtures';
import { responseError } from '../../__testUtils__/responseError';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { EntitySentinelContent } from './EntitySentinelContent';

function component(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'session-api', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

async function render(
  entity: Entity,
  api: jest.Mocked<SentinelApi>,
  options: {
    mountPage?: boolean;
    signals?: ReturnType<typeof fakeSignalApi>;
  } = {},
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [sentinelApiRef, api],
        [signalApiRef, (options.signals ?? fakeSignalApi()).api],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntitySentinelContent />
      </EntityProvider>
    </TestApiProvider>,
    options.mountPage === false
      ? {}
      : { mountedRoutes: { '/sentinel': rootRouteRef } },
  );
}

describe('EntitySentinelContent', () => {
  it('shows the topology and latest failovers of the annotated group, linking to its page', async () => {
    const api = mockSentinelApi();
    await render(component({ [SENTINEL_GROUP_ANNOTATION]: 'sessions' }), api);

    expect(
      await screen.findByText('Redis Sentinel group sessions'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Replicas (2)')).toBeInTheDocument();
    expect(
      await screen.findByRole('listitem', { name: 'Failover f-2' }),
    ).toBeInTheDocument();
    // LinkButton renders an anchor with the button role.
    expect(
      screen.getByRole('button', { name: 'Open group page' }),
    ).toHaveAttribute('href', '/sentinel/groups/sessions');
    expect(api.listFailovers).toHaveBeenCalledWith('sessions', { limit: 5 });
  });

  it('works without a link when the app has not mounted the Sentinel page', async () => {
    await render(
      component({ [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      mockSentinelApi(),
      { mountPage: false },
    );

    expect(await screen.findByText('Replicas (2)')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Open group page' }),
    ).not.toBeInTheDocument();
  });

  it('follows the group’s topology live', async () => {
    const signals = fakeSignalApi();
    const api = mockSentinelApi();
    await render(component({ [SENTINEL_GROUP_ANNOTATION]: 'sessions' }), api, {
      signals,
    });
    await screen.findByText('sessions is healthy: no problems found.');

    api.getTopology.mockResolvedValue({
      ...degradedTopology,
      group: 'sessions',
    });
    signals.publish(sentinelSignalChannel('sessions'), {
      group: 'sessions',
      type: 'topology',
      at: '2025-06-01T10:01:00.000Z',
    });

    expect(
      await screen.findByText('Warning: sessions is degraded'),
    ).toBeInTheDocument();
    expect(api.listFailovers).toHaveBeenCalledTimes(1);
  });

  it('names the annotation when the entity has none', async () => {
    const api = mockSentinelApi();
    await render(component(), api);

    expect(
      await screen.findByText('fleetdeck.io/sentinel-group'),
    ).toBeInTheDocument();
    expect(api.getTopology).not.toHaveBeenCalled();
  });

  it('says so when the annotation names a group the backend does not monitor', async () => {
    const notFound = await responseError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no Sentinel group typo',
    });
    await render(
      component({ [SENTINEL_GROUP_ANNOTATION]: 'typo' }),
      mockSentinelApi({
        getTopology: jest.fn().mockRejectedValue(notFound),
        listFailovers: jest.fn().mockRejectedValue(notFound),
      }),
    );

    expect(
      await screen.findByText(
        'The Sentinel backend does not monitor a group named typo',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend is down', async () => {
    const unavailable = await responseError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'starting',
    });
    await render(
      component({ [SENTINEL_GROUP_ANNOTATION]: 'sessions' }),
      mockSentinelApi({
        getTopology: jest.fn().mockRejectedValue(unavailable),
        listFailovers: jest.fn().mockRejectedValue(unavailable),
      }),
    );

    expect(
      await screen.findAllByText(/Request failed with 503 Service Unavailable/),
    ).toHaveLength(2);
  });
});
