import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import {
  UpgradeWavesApi,
  upgradeWavesSignalChannels,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { formatTime } from '@fleetdeck/frontend-common';
import { backendError } from '../../__testUtils__/backendError';
import { mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { clusterResource, unanswered } from '../../__testUtils__/fleetFixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { EntityClusterUpgradesContent } from './EntityClusterUpgradesContent';

jest.setTimeout(30_000);

async function render(
  entity: Entity,
  api: jest.Mocked<UpgradeWavesApi> = mockUpgradeWavesApi(),
  signals = fakeSignalApi(),
) {
  await renderWithApis(
    <EntityProvider entity={entity}>
      <EntityClusterUpgradesContent />
    </EntityProvider>,
    { api, signals },
  );
  return { api, signals };
}

const history = () => [
  wave({
    id: 'wave-0',
    targetVersion: '1.22.3',
    previousVersion: '1.21.0',
    status: 'SUCCEEDED',
    createdAt: '2026-10-01T10:00:00.000Z',
  }),
  wave(),
];

describe('EntityClusterUpgradesContent', () => {
  it('shows the cluster’s state and its waves newest first, linked to their pages', async () => {
    const { api } = await render(
      clusterResource('test-2'),
      mockUpgradeWavesApi({ listWaves: jest.fn(async () => history()) }),
    );

    const state = within(
      await screen.findByRole('region', { name: 'Current state' }),
    );
    expect(state.getByText('test-2')).toBeInTheDocument();
    // Its batch and its environment.
    expect(state.getAllByText('test')).toHaveLength(2);
    expect(state.getByText('1.22.3')).toBeInTheDocument();
    expect(state.getByText('upgrading')).toBeInTheDocument();
    expect(
      state.getByText(formatTime('2026-11-29T10:00:00.000Z')),
    ).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledWith('test-2');
    expect(api.listWaves).toHaveBeenCalledWith({ clusterId: 'test-2' });

    expect(await screen.findByText('Upgrade history')).toBeInTheDocument();
    const links = screen.getAllByRole('link', { name: /^test → / });
    expect(links.map(l => [l.textContent, l.getAttribute('href')])).toEqual([
      ['test → 1.23.0', '/upgrade-waves/waves/wave-1'],
      ['test → 1.22.3', '/upgrade-waves/waves/wave-0'],
    ]);
    const latest = within(links[0].closest('tr')!);
    expect(latest.getByText('awaiting approval')).toBeInTheDocument();
    expect(latest.getByText('grace')).toBeInTheDocument();
    expect(
      within(links[1].closest('tr')!).getByText('succeeded'),
    ).toBeInTheDocument();
  });

  it('takes the cluster id from the annotation, else the entity’s name', async () => {
    const entity = clusterResource('prod-eu-1-resource');
    delete entity.metadata.annotations;
    const { api } = await render(
      entity,
      mockUpgradeWavesApi({
        getCluster: unanswered(),
        listWaves: unanswered(),
      }),
    );

    expect(api.getCluster).toHaveBeenCalledWith('prod-eu-1-resource');
    expect((await screen.findAllByTestId('progress')).length).toBeGreaterThan(
      0,
    );
  });

  it('says when no wave has upgraded the cluster', async () => {
    await render(
      clusterResource('staging-eu-1'),
      mockUpgradeWavesApi({ listWaves: jest.fn(async () => []) }),
    );

    expect(
      await screen.findByText('No wave has upgraded this cluster yet.'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Current state' })).getByText(
        'staging-eu-1',
      ),
    ).toBeInTheDocument();
  });

  it('says so when the registry has no such cluster', async () => {
    const notFound = await backendError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no cluster gone-1',
    });
    await render(
      clusterResource('gone-1'),
      mockUpgradeWavesApi({
        getCluster: jest.fn().mockRejectedValue(notFound),
        listWaves: jest.fn(async () => []),
      }),
    );

    expect(
      await screen.findByText(
        'Cluster gone-1 is not in the upgrade-waves registry',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/istio-upgrade-onboarding template/),
    ).toBeInTheDocument();
  });

  it('shows the backend’s error instead of a blank tab', async () => {
    const unavailable = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'starting',
    });
    await render(
      clusterResource('test-1'),
      mockUpgradeWavesApi({
        getCluster: jest.fn().mockRejectedValue(unavailable),
        listWaves: jest.fn().mockRejectedValue(unavailable),
      }),
    );

    expect(
      (
        await screen.findAllByText(
          /Request failed with 503 Service Unavailable/,
        )
      ).length,
    ).toBeGreaterThan(0);
  });

  it('follows the fleet’s signals and refetches', async () => {
    const { api, signals } = await render(clusterResource('test-1'));
    await screen.findByText('awaiting approval');
    expect(signals.channels()).toEqual([upgradeWavesSignalChannels.fleet]);

    api.listWaves.mockResolvedValue([wave({ status: 'UPGRADING' })]);
    api.getCluster.mockImplementation(async id => ({
      ...(await mockUpgradeWavesApi().getCluster(id)),
      status: 'UPGRADING',
    }));
    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-1',
      status: 'UPGRADING',
      type: 'wave-status',
    });

    await waitFor(() =>
      expect(screen.getAllByText('upgrading')).toHaveLength(2),
    );
    await waitFor(() => expect(api.getCluster).toHaveBeenCalledTimes(2));
    expect(api.listWaves).toHaveBeenCalledTimes(2);
  });

  it('does not refetch for a step on another cluster', async () => {
    const { api, signals } = await render(clusterResource('test-1'));
    await screen.findByText('awaiting approval');

    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-9',
      status: 'UPGRADING',
      type: 'cluster-status',
      clusterId: 'prod-eu-1',
    });

    expect(screen.getByText('awaiting approval')).toBeInTheDocument();
    expect(api.getCluster).toHaveBeenCalledTimes(1);
    expect(api.listWaves).toHaveBeenCalledTimes(1);
  });

  it('shows a wave that needs attention or is merging with its state, as a signal carries it', async () => {
    const { api, signals } = await render(
      clusterResource('test-1'),
      mockUpgradeWavesApi({
        listWaves: jest.fn(async () => [
          wave({ status: 'MERGING' }),
          wave({
            id: 'wave-0',
            targetVersion: '1.22.3',
            status: 'SUCCEEDED',
            createdAt: '2026-10-01T10:00:00.000Z',
          }),
        ]),
      }),
    );
    expect(await screen.findByText('merging')).toBeInTheDocument();

    api.listWaves.mockImplementation(() => new Promise(() => {}));
    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-1',
      status: 'NEEDS_ATTENTION',
      type: 'wave-status',
    });

    // material-table renders its rows anew as the list changes: the row is looked up at each try.
    await waitFor(() =>
      expect(
        within(screen.getByText('needs attention').closest('tr')!).getByRole(
          'link',
          { name: 'test → 1.23.0' },
        ),
      ).toBeInTheDocument(),
    );
    expect(screen.queryByText('merging')).not.toBeInTheDocument();
  });
});
