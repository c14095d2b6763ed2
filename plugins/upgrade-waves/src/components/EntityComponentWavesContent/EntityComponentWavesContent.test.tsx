import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import {
  UpgradeWavesApi,
  upgradeWavesSignalChannels,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { backendError } from '../../__testUtils__/backendError';
import { mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { cartComponent } from '../../__testUtils__/fleetFixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { EntityComponentWavesContent } from './EntityComponentWavesContent';

jest.setTimeout(30_000);

async function render(
  api: jest.Mocked<UpgradeWavesApi> = mockUpgradeWavesApi(),
  signals = fakeSignalApi(),
  mountPage = true,
) {
  await renderWithApis(
    <EntityProvider entity={cartComponent()}>
      <EntityComponentWavesContent />
    </EntityProvider>,
    { api, signals, mountPage },
  );
  return { api, signals };
}

describe('EntityComponentWavesContent', () => {
  it('shows the clusters the Component runs on and the waves on them, linked', async () => {
    const api = mockUpgradeWavesApi({
      getComponentWaves: jest.fn(async entityRef => ({
        entityRef,
        clusters: [
          { clusterId: 'test-1', name: 'test-1' },
          { clusterId: 'prod-eu-1', name: 'prod-eu-1' },
        ],
        waves: [
          wave({
            id: 'wave-0',
            batchId: 'prod-wave-1',
            targetVersion: '1.22.3',
            status: 'ROLLED_BACK',
            createdAt: '2026-10-01T10:00:00.000Z',
          }),
          wave(),
        ],
      })),
    });
    await render(api);

    const clusters = await screen.findByRole('list', { name: 'Clusters' });
    expect(
      within(clusters)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['test-1', 'prod-eu-1']);
    expect(api.getComponentWaves).toHaveBeenCalledWith(
      'component:default/cart',
    );

    const links = screen.getAllByRole('link', { name: / → / });
    expect(links.map(l => [l.textContent, l.getAttribute('href')])).toEqual([
      ['test → 1.23.0', '/upgrade-waves/waves/wave-1'],
      ['prod-wave-1 → 1.22.3', '/upgrade-waves/waves/wave-0'],
    ]);
    const older = within(links[1].closest('tr')!);
    expect(older.getByText('rolled back')).toBeInTheDocument();
    expect(older.getByText('prod-wave-1')).toBeInTheDocument();
  });

  it('names the waves without links when the app has not mounted the wave pages', async () => {
    await render(mockUpgradeWavesApi(), fakeSignalApi(), false);

    expect(await screen.findByText('test → 1.23.0')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: / → / })).not.toBeInTheDocument();
  });

  it('says so when the Component runs on no registered cluster', async () => {
    await render(
      mockUpgradeWavesApi({
        getComponentWaves: jest.fn(async entityRef => ({
          entityRef,
          clusters: [],
          waves: [],
        })),
      }),
    );

    expect(
      await screen.findByText('This Component runs on no registered cluster'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/backstage\.io\/kubernetes-id/),
    ).toBeInTheDocument();
  });

  it('says so when no wave has touched its clusters', async () => {
    await render(
      mockUpgradeWavesApi({
        getComponentWaves: jest.fn(async entityRef => ({
          entityRef,
          clusters: [{ clusterId: 'staging-eu-1', name: 'staging-eu-1' }],
          waves: [],
        })),
      }),
    );

    expect(
      await screen.findByText('No wave has touched its clusters yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('staging-eu-1')).toBeInTheDocument();
  });

  it('shows the backend’s error instead of a blank tab', async () => {
    const unavailable = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'starting',
    });
    await render(
      mockUpgradeWavesApi({
        getComponentWaves: jest.fn().mockRejectedValue(unavailable),
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
    const { api, signals } = await render();
    await screen.findByText('awaiting approval');
    expect(signals.channels()).toEqual([upgradeWavesSignalChannels.fleet]);

    // The refetch does not answer: the new status comes from the signal alone.
    api.getComponentWaves.mockReturnValue(new Promise(() => {}));
    signals.transitioned(upgradeWavesSignalChannels.fleet, {
      waveId: 'wave-1',
      status: 'SOAKING',
      type: 'wave-status',
    });

    expect(screen.getByText('soaking')).toBeInTheDocument();
    await waitFor(() => expect(api.getComponentWaves).toHaveBeenCalledTimes(2));
  });
});
