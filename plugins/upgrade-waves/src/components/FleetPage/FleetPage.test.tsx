import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { upgradeWavesSignalChannels } from '@fleetdeck/plugin-upgrade-waves-common';
import { backendError } from '../../__testUtils__/backendError';
import {
  batch,
  cluster,
  fleet,
  mockUpgradeWavesApi,
  wave,
} from '../../__testUtils__/fixtures';
import { largeFleet, unanswered } from '../../__testUtils__/fleetFixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { FleetPage } from './FleetPage';

// Five paged material-tables on a busy two-core machine take longer than jest's default 5 s.
jest.setTimeout(60_000);

function batchCard(batchId: string) {
  return within(screen.getByRole('region', { name: `Batch ${batchId}` }));
}

function activeWavesTable() {
  return within(screen.getByRole('region', { name: 'Active waves' }));
}

describe('FleetPage', () => {
  it('shows the batches in rollout order with how far each is on its newest version', async () => {
    const batches = fleet();
    // Given out of order: the page sorts by order.
    const api = mockUpgradeWavesApi({
      listBatches: jest.fn(async () => [...batches].reverse()),
    });
    await renderWithApis(<FleetPage />, { api });

    expect(
      await screen.findByRole('heading', { name: 'test' }),
    ).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('region', { name: /^Batch / })
        .map(r => r.getAttribute('aria-label')),
    ).toEqual([
      'Batch test',
      'Batch dev-wave-1',
      'Batch staging',
      'Batch prod-wave-1',
    ]);

    const test = batchCard('test');
    expect(
      test.getByText(/^1 of 4 in rollout order · soak 60 min$/),
    ).toBeInTheDocument();
    expect(
      test.getByText('1.23.0: 1 of 2 clusters (50 %)'),
    ).toBeInTheDocument();
    expect(
      test.getByRole('progressbar', {
        name: 'test on 1.23.0: 1 of 2 clusters (50 %)',
      }),
    ).toHaveAttribute('aria-valuenow', '50');
    expect(test.getByText('1.23.0 × 1')).toBeInTheDocument();
    expect(test.getByText('1.22.3 × 1')).toBeInTheDocument();
    // The active wave of the batch, linked.
    expect(test.getByRole('link', { name: 'test → 1.23.0' })).toHaveAttribute(
      'href',
      '/upgrade-waves/waves/wave-1',
    );
    // The clusters' table.
    expect(test.getByText('Clusters (2)')).toBeInTheDocument();
    const row = test.getByText('test-2').closest('tr')!;
    expect(
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual([
      'test-2',
      'test',
      'eu-west-1',
      '1.22.3',
      'upgrading',
      'platform',
    ]);

    const dev = batchCard('dev-wave-1');
    expect(dev.getByText(/^2 of 4 in rollout order/)).toBeInTheDocument();
    expect(
      dev.getByText('1.22.3: 2 of 2 clusters (100 %)'),
    ).toBeInTheDocument();
    expect(dev.getByText('× 2')).toBeInTheDocument();
    expect(dev.queryByRole('link', { name: /→/ })).not.toBeInTheDocument();
    expect(
      batchCard('staging').getByText('1.22.3: 1 of 1 cluster (100 %)'),
    ).toBeInTheDocument();
  });

  it('lists the active waves linked to their pages, and folds the recent ones', async () => {
    const api = mockUpgradeWavesApi({
      listWaves: jest.fn(async () => [
        wave(),
        wave({
          id: 'wave-0',
          batchId: 'dev-wave-1',
          targetVersion: '1.22.3',
          status: 'SUCCEEDED',
          updatedAt: '2026-11-28T10:00:00.000Z',
        }),
      ]),
    });
    await renderWithApis(<FleetPage />, { api });

    expect(await screen.findByText('Active waves (1)')).toBeInTheDocument();
    const active = activeWavesTable();
    expect(active.getByRole('link', { name: 'test → 1.23.0' })).toHaveAttribute(
      'href',
      '/upgrade-waves/waves/wave-1',
    );
    expect(active.getByText('awaiting approval')).toBeInTheDocument();
    expect(active.getByText('grace')).toBeInTheDocument();
    expect(active.queryByText('dev-wave-1 → 1.22.3')).not.toBeInTheDocument();

    expect(
      screen.queryByRole('link', { name: 'dev-wave-1 → 1.22.3' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Recent waves (1)' }),
    );
    expect(
      await screen.findByRole('link', { name: 'dev-wave-1 → 1.22.3' }),
    ).toHaveAttribute('href', '/upgrade-waves/waves/wave-0');
    expect(screen.getByText('succeeded')).toBeInTheDocument();
  });

  it('counts waves that need attention or are merging as active, and puts those that need attention at the top', async () => {
    const api = mockUpgradeWavesApi({
      listWaves: jest.fn(async () => [
        wave({
          status: 'NEEDS_ATTENTION',
          attention: {
            from: 'MERGING',
            kind: 'gitlab-refused',
            reason: 'GitLab refused to merge !7: the pipeline must succeed',
            since: '2026-11-29T10:07:00.000Z',
            upgradeMerged: false,
          },
        }),
        wave({
          id: 'wave-2',
          batchId: 'dev-wave-1',
          status: 'MERGING',
          createdAt: '2026-11-29T09:00:00.000Z',
        }),
      ]),
    });
    await renderWithApis(<FleetPage />, { api });

    const summary = within(
      await screen.findByRole('alert', { name: '1 wave needs attention' }),
    );
    expect(
      summary.getByRole('link', { name: 'test → 1.23.0' }),
    ).toHaveAttribute('href', '/upgrade-waves/waves/wave-1');
    expect(
      summary.getByText(
        /GitLab refused to merge !7: the pipeline must succeed/,
      ),
    ).toBeInTheDocument();
    expect(summary.queryByText(/dev-wave-1/)).not.toBeInTheDocument();

    expect(await screen.findByText('Active waves (2)')).toBeInTheDocument();
    expect(activeWavesTable().getByText('needs attention')).toBeInTheDocument();
    expect(activeWavesTable().getByText('merging')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Recent waves/ }),
    ).not.toBeInTheDocument();
    // Each batch shows its wave as its active one.
    expect(batchCard('test').getByText('needs attention')).toBeInTheDocument();
    expect(batchCard('dev-wave-1').getByText('merging')).toBeInTheDocument();
  });

  it('counts several waves that need attention', async () => {
    const stopped = (id: string, batchId: string) =>
      wave({ id, batchId, status: 'NEEDS_ATTENTION', reason: `${id} stopped` });
    const api = mockUpgradeWavesApi({
      listWaves: jest.fn(async () => [
        stopped('wave-1', 'test'),
        stopped('wave-2', 'dev-wave-1'),
      ]),
    });
    await renderWithApis(<FleetPage />, { api });

    const summary = within(
      await screen.findByRole('alert', { name: '2 waves need attention' }),
    );
    expect(summary.getAllByRole('listitem').map(li => li.textContent)).toEqual([
      'test → 1.23.0: wave-1 stopped',
      'dev-wave-1 → 1.23.0: wave-2 stopped',
    ]);
  });

  it('says nothing about attention while no wave needs it', async () => {
    await renderWithApis(<FleetPage />, { api: mockUpgradeWavesApi() });
    expect(await screen.findByText('Active waves (1)')).toBeInTheDocument();
    expect(screen.queryByText(/needs? attention/)).not.toBeInTheDocument();
  });

  it('says when no wave is running', async () => {
    const api = mockUpgradeWavesApi({ listWaves: jest.fn(async () => []) });
    await renderWithApis(<FleetPage />, { api });

    expect(await screen.findByText('Active waves (0)')).toBeInTheDocument();
    expect(screen.getByText(/No wave is running/)).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Recent waves/ }),
    ).not.toBeInTheDocument();
  });

  it('puts a signalled transition on the page at once, then refetches the fleet', async () => {
    const api = mockUpgradeWavesApi();
    const signals = fakeSignalApi();
    await renderWithApis(<FleetPage />, { api, signals });
    await screen.findByText('Active waves (1)');
    expect(signals.channels()).toEqual([upgradeWavesSignalChannels.fleet]);
    expect(screen.getByText('live')).toBeInTheDocument();

    // The refetch does not answer: what the page shows next comes from the signal alone.
    api.listWaves.mockReturnValue(new Promise(() => {}));
    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-1',
      status: 'UPGRADING',
      type: 'wave-status',
    });

    expect(activeWavesTable().getByText('upgrading')).toBeInTheDocument();
    expect(
      activeWavesTable().queryByText('awaiting approval'),
    ).not.toBeInTheDocument();
    await waitFor(() => expect(api.listWaves).toHaveBeenCalledTimes(2));
    expect(api.listBatches).toHaveBeenCalledTimes(2);
  });

  it('shows the refetched fleet after a signal', async () => {
    const api = mockUpgradeWavesApi();
    const signals = fakeSignalApi();
    await renderWithApis(<FleetPage />, { api, signals });
    await screen.findByText('Active waves (1)');

    api.listBatches.mockResolvedValue([
      batch('test', 0, [
        cluster('test-1', 'test', { istioVersion: '1.23.0' }),
        cluster('test-2', 'test', { istioVersion: '1.23.0' }),
      ]),
    ]);
    api.listWaves.mockResolvedValue([wave({ status: 'SUCCEEDED' })]);
    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-1',
      status: 'SUCCEEDED',
      type: 'wave-status',
    });

    expect(
      await screen.findByText('1.23.0: 2 of 2 clusters (100 %)'),
    ).toBeInTheDocument();
    expect(await screen.findByText('Active waves (0)')).toBeInTheDocument();
  });

  it('says the page is not live when the app has no signals API', async () => {
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi(),
      signals: false,
    });

    expect(await screen.findByText(/Live updates are off/)).toBeInTheDocument();
    expect(screen.getByText('on reload')).toBeInTheDocument();
  });

  it('shows progress while the fleet loads', async () => {
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({ listBatches: unanswered() }),
    });

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.getByText('Upgrade Waves')).toBeInTheDocument();
    expect(screen.queryByRole('region')).not.toBeInTheDocument();
  });

  it('explains how to register clusters when there is none', async () => {
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({ listBatches: jest.fn(async () => []) }),
    });

    expect(
      await screen.findByText('No clusters registered'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/istio-upgrade-onboarding template/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/upgradeWaves\.registry\.clusters in app-config/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Start wave' }),
    ).not.toBeInTheDocument();
  });

  it('shows a batch that has no clusters yet', async () => {
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({
        listBatches: jest.fn(async () => [
          ...fleet(),
          batch('prod-wave-2', 4, []),
        ]),
      }),
    });

    const empty = await screen.findByRole('region', {
      name: 'Batch prod-wave-2',
    });
    expect(
      within(empty).getByText(/No clusters in this batch yet/),
    ).toBeInTheDocument();
    expect(within(empty).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(within(empty).queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the backend’s error instead of a blank page', async () => {
    const error = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'upgrade-waves backend is starting',
    });
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({
        listBatches: jest.fn().mockRejectedValue(error),
        listWaves: jest.fn().mockRejectedValue(error),
      }),
    });

    expect(
      (
        await screen.findAllByText(
          /Request failed with 503 Service Unavailable/,
        )
      ).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('Upgrade Waves')).toBeInTheDocument();
  });

  it('shows the batches when only the waves fail to load', async () => {
    const error = await backendError(500, 'Internal Server Error', {
      name: 'Error',
      message: 'waves table is locked',
    });
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({
        listWaves: jest.fn().mockRejectedValue(error),
      }),
    });

    expect(
      await screen.findByRole('region', { name: 'Batch test' }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Request failed with 500 Internal Server Error/)
        .length,
    ).toBeGreaterThan(0);
  });

  it('renders only a page of rows per batch with 1,000 clusters', async () => {
    await renderWithApis(<FleetPage />, {
      api: mockUpgradeWavesApi({
        listBatches: jest.fn(async () => largeFleet(1000, 5)),
        listWaves: jest.fn(async () => []),
      }),
    });

    expect(await screen.findAllByText('Clusters (200)')).toHaveLength(5);
    const names = () => screen.queryAllByText(/^cluster-\d{4}$/);
    expect(names()).toHaveLength(50);
    expect(screen.getAllByRole('region', { name: /^Batch / })).toHaveLength(5);
    expect(
      batchCard('batch-1').getByText('1.23.0: 40 of 200 clusters (20 %)'),
    ).toBeInTheDocument();

    // The next page of the first batch replaces its rows.
    const first = batchCard('batch-1');
    expect(first.getByText('cluster-0001')).toBeInTheDocument();
    await userEvent.click(
      first.getAllByRole('button', { name: 'Next Page' })[0],
    );
    expect(await first.findByText('cluster-0011')).toBeInTheDocument();
    expect(first.queryByText('cluster-0001')).not.toBeInTheDocument();
    expect(names()).toHaveLength(50);
  });
});
