import { screen, waitFor, within } from '@testing-library/react';
import { formatTime } from '@fleetdeck/frontend-common';
import { warmPoolsSignalChannels } from '@fleetdeck/plugin-warm-pools-common';
import { backendError } from '../../__testUtils__/backendError';
import {
  mockWarmPoolsApi,
  poolSummary,
  pools,
  unanswered,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { PoolsPage } from './PoolsPage';

/** The table row of the pool link `name` in cluster `cluster`. */
function row(cluster: string, name: string) {
  const rows = screen
    .getAllByRole('link', { name })
    .map(link => link.closest('tr'))
    .filter(tr => tr && within(tr).queryByText(cluster));
  if (rows.length !== 1 || !rows[0]) {
    throw new Error(`expected one row for ${cluster} ${name}`);
  }
  return within(rows[0]);
}

describe('PoolsPage', () => {
  it('lists every pool with its counts, health and sync, linking to its page', async () => {
    const api = mockWarmPoolsApi();
    await renderWithApis(<PoolsPage />, { api });

    expect(await screen.findByText('Warm pools (3)')).toBeInTheDocument();
    const healthy = row('prod-eu-1', 'warm');
    expect(healthy.getByText('4 / 4')).toBeInTheDocument();
    expect(healthy.getByText('healthy')).toBeInTheDocument();
    expect(healthy.getByText('live')).toBeInTheDocument();
    expect(healthy.getByRole('link', { name: 'warm' })).toHaveAttribute(
      'href',
      '/warm-pools/prod-eu-1/sessions/warm',
    );

    const low = row('prod-eu-1', 'gpu');
    expect(low.getByText('1 / 2')).toBeInTheDocument();
    expect(low.getByText('low')).toBeInTheDocument();
    // pending, assigned, on-demand, empty today
    expect(low.getAllByRole('cell').map(cell => cell.textContent)).toEqual(
      expect.arrayContaining(['1', '7', '2', '0']),
    );

    const empty = row('prod-us-1', 'warm');
    expect(empty.getByText('0 / 4')).toBeInTheDocument();
    expect(empty.getByText('empty')).toBeInTheDocument();
    expect(empty.getByText('stale')).toBeInTheDocument();
    expect(
      empty.getByText(`since ${formatTime('2025-06-01T09:45:00.000Z')}`),
    ).toBeInTheDocument();
    expect(empty.getByText('4')).toBeInTheDocument();
  });

  it('warns that a cluster is out of sync, with the time it last was', async () => {
    await renderWithApis(<PoolsPage />, { api: mockWarmPoolsApi() });

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(
      `The watch on cluster prod-us-1 is down; last in sync at ${formatTime(
        '2025-06-01T09:45:00.000Z',
      )}.`,
    );
    expect(banner).not.toHaveTextContent('prod-eu-1');
  });

  it('shows no banner when every cluster is in sync', async () => {
    await renderWithApis(<PoolsPage />, {
      api: mockWarmPoolsApi({
        listPools: jest.fn().mockResolvedValue(pools.slice(0, 2)),
      }),
    });

    expect(await screen.findByText('Warm pools (2)')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows progress while the pools load', async () => {
    await renderWithApis(<PoolsPage />, {
      api: mockWarmPoolsApi({
        listPools: unanswered(),
      }),
    });

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('explains how to configure clusters and pool labels when there is no pool', async () => {
    await renderWithApis(<PoolsPage />, {
      api: mockWarmPoolsApi({ listPools: jest.fn().mockResolvedValue([]) }),
    });

    expect(await screen.findByText('No warm pools found')).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods in app-config/),
    ).toBeInTheDocument();
    expect(screen.getByText(/pods labelled pool=<name>/)).toBeInTheDocument();
    expect(screen.getByText(/warmPools\.labels/)).toBeInTheDocument();
  });

  it('shows the backend’s error instead of a blank page', async () => {
    const error = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'warm-pools backend is starting',
    });
    await renderWithApis(<PoolsPage />, {
      api: mockWarmPoolsApi({ listPools: jest.fn().mockRejectedValue(error) }),
    });

    expect(
      await screen.findByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByText('Warm Pools')).toBeInTheDocument();
  });

  it('puts the counts a signal carries in the table without asking the backend', async () => {
    const api = mockWarmPoolsApi();
    const signals = fakeSignalApi();
    await renderWithApis(<PoolsPage />, { api, signals });
    await screen.findByText('Warm pools (3)');
    expect(signals.channels()).toEqual([warmPoolsSignalChannels.pools]);

    signals.poolChanged(
      warmPoolsSignalChannels.pools,
      poolSummary(
        { cluster: 'prod-eu-1', namespace: 'sessions', pool: 'gpu' },
        { target: 2, warmReady: 0, warmPending: 2, assigned: 8 },
      ),
    );

    const gpu = row('prod-eu-1', 'gpu');
    expect(gpu.getByText('0 / 2')).toBeInTheDocument();
    expect(gpu.getByText('empty')).toBeInTheDocument();
    expect(gpu.getByText('8')).toBeInTheDocument();
    expect(api.listPools).toHaveBeenCalledTimes(1);
  });

  it('adds a pool that a signal announces, and applies signals that came in at once', async () => {
    const signals = fakeSignalApi();
    await renderWithApis(<PoolsPage />, { api: mockWarmPoolsApi(), signals });
    await screen.findByText('Warm pools (3)');

    signals.poolChanged(
      warmPoolsSignalChannels.pools,
      poolSummary(
        { cluster: 'prod-eu-1', namespace: 'demo', pool: 'warm' },
        { warmReady: 2 },
      ),
    );
    signals.poolChanged(
      warmPoolsSignalChannels.pools,
      poolSummary(
        { cluster: 'prod-eu-1', namespace: 'sessions', pool: 'warm' },
        { warmReady: 3 },
      ),
    );

    expect(await screen.findByText('Warm pools (4)')).toBeInTheDocument();
    expect(row('prod-eu-1', 'gpu').getByText('1 / 2')).toBeInTheDocument();
    const demo = screen
      .getAllByRole('row')
      .find(
        tr =>
          within(tr).queryByText('demo') && within(tr).queryByText('prod-eu-1'),
      );
    expect(demo && within(demo).getByText('2 / 4')).toBeInTheDocument();
    const sessions = screen
      .getAllByRole('row')
      .find(
        tr =>
          within(tr).queryByText('sessions') &&
          within(tr).queryByRole('link', { name: 'warm' }),
      );
    expect(sessions && within(sessions).getByText('3 / 4')).toBeInTheDocument();
  });

  it('ignores messages on the channel that are not pool signals', async () => {
    const signals = fakeSignalApi();
    await renderWithApis(<PoolsPage />, { api: mockWarmPoolsApi(), signals });
    await screen.findByText('Warm pools (3)');

    signals.push(warmPoolsSignalChannels.pools, { type: 'something-else' });
    signals.push(warmPoolsSignalChannels.pools, {
      type: 'pool-changed',
      pool: { id: 'prod-eu-1/sessions/warm' },
    });

    await waitFor(() =>
      expect(screen.getByText('Warm pools (3)')).toBeInTheDocument(),
    );
    expect(row('prod-eu-1', 'warm').getByText('4 / 4')).toBeInTheDocument();
  });

  it('says the page is not live when the app has no signals API', async () => {
    await renderWithApis(<PoolsPage />, {
      api: mockWarmPoolsApi(),
      signals: false,
    });

    expect(await screen.findByText(/Live updates are off/)).toBeInTheDocument();
  });
});
