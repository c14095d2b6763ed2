import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor } from '@testing-library/react';
import {
  WarmPoolsApi,
  warmPoolsSignalChannels,
} from '@fleetdeck/plugin-warm-pools-common';
import { WARM_POOL_ANNOTATION } from '../../annotations';
import { backendError } from '../../__testUtils__/backendError';
import {
  POOL_ID,
  POOL_REF,
  mockWarmPoolsApi,
  unanswered,
  poolDetail,
  poolSummary,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { EntityWarmPoolContent } from './EntityWarmPoolContent';
import { group } from '../../__testUtils__/queries';

// The tab holds the whole pool dashboard; on a busy two-core machine that takes longer than jest's default 5 s.
jest.setTimeout(30_000);

function component(annotation?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'session-service',
      annotations:
        annotation === undefined ? {} : { [WARM_POOL_ANNOTATION]: annotation },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

async function render(
  entity: Entity,
  api: jest.Mocked<WarmPoolsApi> = mockWarmPoolsApi(),
  options: {
    mountPage?: boolean;
    signals?: ReturnType<typeof fakeSignalApi>;
  } = {},
) {
  await renderWithApis(
    <EntityProvider entity={entity}>
      <EntityWarmPoolContent />
    </EntityProvider>,
    { api, ...options },
  );
  return api;
}

describe('EntityWarmPoolContent', () => {
  it('shows the annotated pool as its page does, linking to the page', async () => {
    const api = await render(component(POOL_ID));

    expect(await screen.findByText('Warm pool warm')).toBeInTheDocument();
    expect(
      await screen.findByRole('group', { name: 'Warm ready' }),
    ).toBeInTheDocument();
    expect(group('Warm ready').getByText('3 / 4')).toBeInTheDocument();
    expect(await screen.findByText('Pods (6)')).toBeInTheDocument();
    expect(screen.getByText('Pods over time')).toBeInTheDocument();
    // LinkButton renders an anchor with the button role.
    expect(
      screen.getByRole('button', { name: 'Open pool page' }),
    ).toHaveAttribute('href', '/warm-pools/prod-eu-1/sessions/warm');
    expect(api.getPool).toHaveBeenCalledWith(POOL_ID);
  });

  it('works without the link when the app has not mounted the pool pages', async () => {
    await render(component(POOL_ID), mockWarmPoolsApi(), { mountPage: false });

    expect(
      await screen.findByRole('group', { name: 'Warm ready' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Open pool page' }),
    ).not.toBeInTheDocument();
  });

  it('follows the pool’s signals', async () => {
    const signals = fakeSignalApi();
    const api = await render(component(POOL_ID), mockWarmPoolsApi(), {
      signals,
    });
    await screen.findByRole('group', { name: 'Warm ready' });
    expect(signals.channels()).toEqual([warmPoolsSignalChannels.pool(POOL_ID)]);

    api.getPool.mockResolvedValue({ ...poolDetail, warmReady: 0 });
    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary(POOL_REF, { warmReady: 0 }),
    );

    expect(group('Warm ready').getByText('0 / 4')).toBeInTheDocument();
    expect(group('Warm ready').getByText('empty')).toBeInTheDocument();
    await waitFor(() => expect(api.listPods).toHaveBeenCalledTimes(2));
    expect(group('Warm ready').getByText('0 / 4')).toBeInTheDocument();
  });

  it('shows progress while the pool loads', async () => {
    await render(
      component(POOL_ID),
      mockWarmPoolsApi({
        getPool: unanswered(),
        listPods: unanswered(),
        getHistory: unanswered(),
      }),
    );

    expect(await screen.findAllByTestId('progress')).toHaveLength(3);
  });

  it('warns when the pool’s cluster is out of sync', async () => {
    await render(
      component(POOL_ID),
      mockWarmPoolsApi({
        getPool: jest.fn().mockResolvedValue({ ...poolDetail, stale: true }),
      }),
    );

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The watch on cluster prod-eu-1 is down',
    );
  });

  it('says what is wrong with a malformed annotation, and asks the backend nothing', async () => {
    const api = await render(component('prod-eu-1/sessions'));

    expect(
      await screen.findByText(
        'The fleetdeck.io/warm-pool annotation is malformed',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /"prod-eu-1\/sessions" is not of the form <cluster>\/<namespace>\/<pool>/,
      ),
    ).toBeInTheDocument();
    expect(api.getPool).not.toHaveBeenCalled();
    expect(api.listPods).not.toHaveBeenCalled();
  });

  it('names the annotation when the entity has none', async () => {
    const api = await render(component());

    expect(
      await screen.findByText('fleetdeck.io/warm-pool'),
    ).toBeInTheDocument();
    expect(api.getPool).not.toHaveBeenCalled();
  });

  it('says so when the backend sees no such pool', async () => {
    const notFound = await backendError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no pool prod-eu-1/sessions/typo',
    });
    await render(
      component('prod-eu-1/sessions/typo'),
      mockWarmPoolsApi({
        getPool: jest.fn().mockRejectedValue(notFound),
        listPods: jest.fn().mockRejectedValue(notFound),
        getHistory: jest.fn().mockRejectedValue(notFound),
      }),
    );

    expect(
      await screen.findByText(
        'The warm-pools backend sees no pool prod-eu-1/sessions/typo',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend is down', async () => {
    const unavailable = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'starting',
    });
    await render(
      component(POOL_ID),
      mockWarmPoolsApi({
        getPool: jest.fn().mockRejectedValue(unavailable),
        listPods: jest.fn().mockRejectedValue(unavailable),
        getHistory: jest.fn().mockRejectedValue(unavailable),
      }),
    );

    expect(
      await screen.findAllByText(/Request failed with 503 Service Unavailable/),
    ).toHaveLength(3);
  });
});
