import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { formatTime } from '@fleetdeck/frontend-common';
import { StaleBanner } from './StaleBanner';

describe('StaleBanner', () => {
  it('names each cluster whose watch is down once, with its last sync', async () => {
    await renderInTestApp(
      <StaleBanner
        pools={[
          { cluster: 'a', stale: true, lastSyncedAt: '2025-06-01T09:45:00Z' },
          { cluster: 'a', stale: true, lastSyncedAt: '2025-06-01T09:45:00Z' },
          { cluster: 'b', stale: true },
          { cluster: 'c', stale: false, lastSyncedAt: '2025-06-01T10:00:00Z' },
        ]}
      />,
    );

    const banner = screen.getByRole('alert');
    expect(banner).toHaveTextContent(
      'Out of sync with some clusters: their pools show the last known numbers',
    );
    expect(
      screen.getAllByText(/^The watch on cluster/).map(e => e.textContent),
    ).toEqual([
      `The watch on cluster a is down; last in sync at ${formatTime(
        '2025-06-01T09:45:00Z',
      )}.`,
      'The watch on cluster b is down; not in sync since the backend started.',
    ]);
  });

  it('shows nothing while every cluster is in sync', async () => {
    await renderInTestApp(
      <StaleBanner pools={[{ cluster: 'a', stale: false }]} />,
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
