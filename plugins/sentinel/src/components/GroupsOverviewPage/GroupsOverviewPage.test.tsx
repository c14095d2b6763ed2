import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { sentinelApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { manualFailover, mockSentinelApi } from '../../__testUtils__/fixtures';
import { responseError } from '../../__testUtils__/responseError';
import { SentinelApi } from '@fleetdeck/plugin-sentinel-common';
import { GroupsOverviewPage } from './GroupsOverviewPage';

function render(api: jest.Mocked<SentinelApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[sentinelApiRef, api]]}>
      <GroupsOverviewPage />
    </TestApiProvider>,
    { mountedRoutes: { '/sentinel': rootRouteRef } },
  );
}

async function row(groupName: string) {
  const link = await screen.findByRole('link', { name: groupName });
  const tr = link.closest('tr');
  if (!tr) throw new Error(`no row for ${groupName}`);
  return within(tr);
}

describe('GroupsOverviewPage', () => {
  it('lists each group with its health, master, replicas, sentinels, quorum and last failover', async () => {
    const api = mockSentinelApi({
      listFailovers: jest.fn(async (group: string) => {
        if (group === 'sessions') return [manualFailover];
        if (group === 'cache') return [];
        throw new Error('backend restarting');
      }),
    });
    await render(api);

    const sessions = await row('sessions');
    expect(screen.getByRole('link', { name: 'sessions' })).toHaveAttribute(
      'href',
      '/sentinel/groups/sessions',
    );
    expect(sessions.getByText('healthy')).toBeInTheDocument();
    expect(sessions.getByText('10.0.0.1:6379')).toBeInTheDocument();
    expect(sessions.getByText('3/3')).toBeInTheDocument();
    expect(sessions.getByText('ok')).toBeInTheDocument();
    expect(await sessions.findByText('manual, completed')).toBeInTheDocument();

    const cache = await row('cache');
    expect(cache.getByText('degraded')).toBeInTheDocument();
    expect(cache.getByText('2 (1 down)')).toBeInTheDocument();
    expect(cache.getByText('2/3')).toBeInTheDocument();
    expect(await cache.findByText('none recorded')).toBeInTheDocument();

    const queue = await row('queue');
    expect(queue.getByText('down')).toBeInTheDocument();
    expect(queue.getByText('0/2')).toBeInTheDocument();
    expect(queue.getByText('unknown')).toBeInTheDocument();
    expect(await queue.findByText('unavailable')).toBeInTheDocument();

    expect(api.listFailovers).toHaveBeenCalledWith('sessions', { limit: 1 });
  });

  it('explains how to add groups when none is configured', async () => {
    await render(
      mockSentinelApi({ listGroups: jest.fn().mockResolvedValue([]) }),
    );

    expect(
      await screen.findByText('No Sentinel groups configured'),
    ).toBeInTheDocument();
    expect(screen.getByText(/sentinel\.groups/)).toBeInTheDocument();
  });

  it('shows the error instead of a blank page when the backend is down', async () => {
    const error = await responseError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'sentinel backend is starting',
    });
    await render(
      mockSentinelApi({ listGroups: jest.fn().mockRejectedValue(error) }),
    );

    expect(
      await screen.findByText(/Request failed with 503 Service Unavailable/),
    ).toBeInTheDocument();
    expect(screen.getByText('Redis Sentinel')).toBeInTheDocument();
  });
});
