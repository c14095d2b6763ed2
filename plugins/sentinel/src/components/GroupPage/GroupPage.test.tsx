import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  SentinelApi,
  sentinelSignalChannel,
} from '@fleetdeck/plugin-sentinel-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { sentinelApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  degradedTopology,
  detectedFailover,
  manualFailover,
  mockSentinelApi,
} from '../../__testUtils__/fixtures';
import { responseError } from '../../__testUtils__/responseError';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { GroupPage } from './GroupPage';

async function render(
  api: jest.Mocked<SentinelApi>,
  signals = fakeSignalApi(),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [sentinelApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: 'ALLOW' })],
        [signalApiRef, signals.api],
      ]}
    >
      <GroupPage group="sessions" />
    </TestApiProvider>,
    { mountedRoutes: { '/sentinel': rootRouteRef } },
  );
  return signals;
}

describe('GroupPage', () => {
  it('shows the topology, failover timeline, lag and session-store shape of the group', async () => {
    const api = mockSentinelApi();
    await render(api);

    expect(
      await screen.findByText('sessions is healthy: no problems found.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Redis Sentinel group, master name sessions-master'),
    ).toBeInTheDocument();
    expect(screen.getByText('Replicas (2)')).toBeInTheDocument();
    expect(screen.getByText('Sentinels (3/3 reachable)')).toBeInTheDocument();
    expect(
      await screen.findByRole('listitem', { name: 'Failover f-2' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('list', { name: 'Lag per replica' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('session:*')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Redis Sentinel' }),
    ).toHaveAttribute('href', '/sentinel');

    expect(api.getTopology).toHaveBeenCalledWith('sessions');
    expect(api.listFailovers).toHaveBeenCalledWith('sessions', { limit: 20 });
    expect(api.getLagHistory).toHaveBeenCalledWith('sessions', {
      from: expect.any(String),
    });
    expect(api.getSessionStoreStats).toHaveBeenCalledWith('sessions');
  });

  it('lists the problems of a degraded group', async () => {
    await render(
      mockSentinelApi({
        getTopology: jest.fn().mockResolvedValue({
          ...degradedTopology,
          group: 'sessions',
        }),
      }),
    );

    const problems = within(
      await screen.findByRole('list', { name: 'Problems' }),
    );
    expect(
      problems.getByText('replica 10.1.0.3:6379: master link down'),
    ).toBeInTheDocument();
  });

  it('refetches the topology and lag, and nothing else, on a topology signal', async () => {
    const api = mockSentinelApi();
    const signals = await render(api);
    await screen.findByText('session:*');
    expect(signals.channels()).toEqual([sentinelSignalChannel('sessions')]);

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
    expect(api.getTopology).toHaveBeenCalledTimes(2);
    expect(api.getLagHistory).toHaveBeenCalledTimes(2);
    expect(api.listFailovers).toHaveBeenCalledTimes(1);
    expect(api.getSessionStoreStats).toHaveBeenCalledTimes(1);
  });

  it('refetches the failovers and topology on a failover signal', async () => {
    const api = mockSentinelApi({
      listFailovers: jest.fn().mockResolvedValue([detectedFailover]),
    });
    const signals = await render(api);
    await screen.findByRole('listitem', { name: 'Failover f-1' });

    api.listFailovers.mockResolvedValue([manualFailover, detectedFailover]);
    signals.publish(sentinelSignalChannel('sessions'), {
      group: 'sessions',
      type: 'failover',
      failoverId: 'f-2',
      at: '2025-06-01T10:01:00.000Z',
    });

    expect(
      await screen.findByRole('listitem', { name: 'Failover f-2' }),
    ).toBeInTheDocument();
    expect(api.getTopology).toHaveBeenCalledTimes(2);
    expect(api.getLagHistory).toHaveBeenCalledTimes(1);
  });

  it('keeps showing the last topology, with a warning, when a refresh fails', async () => {
    const api = mockSentinelApi();
    const signals = await render(api);
    await screen.findByText('Replicas (2)');

    api.getTopology.mockRejectedValue(new Error('backend restarting'));
    signals.publish(sentinelSignalChannel('sessions'), {
      group: 'sessions',
      type: 'topology',
      at: '2025-06-01T10:01:00.000Z',
    });

    expect(
      await screen.findByText(/Could not refresh: backend restarting/),
    ).toBeInTheDocument();
    expect(screen.getByText('Replicas (2)')).toBeInTheDocument();
  });

  it('refetches the failovers after a failover is triggered from the page', async () => {
    const api = mockSentinelApi();
    await render(api);
    const button = await screen.findByRole('button', {
      name: 'Trigger failover',
    });
    await waitFor(() => expect(button).toBeEnabled());

    await userEvent.click(button);
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByText(/\(10\.0\.0\.1:6379\)/)).toBeInTheDocument();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'game day',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Start failover' }),
    );

    await waitFor(() => expect(api.listFailovers).toHaveBeenCalledTimes(2));
    expect(api.triggerFailover).toHaveBeenCalledWith('sessions', 'game day');
  });

  it('says there is no such group, with a way back, on a 404', async () => {
    const notFound = await responseError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no Sentinel group sessions',
    });
    await render(
      mockSentinelApi({
        getTopology: jest.fn().mockRejectedValue(notFound),
        listFailovers: jest.fn().mockRejectedValue(notFound),
        getLagHistory: jest.fn().mockRejectedValue(notFound),
        getSessionStoreStats: jest.fn().mockRejectedValue(notFound),
      }),
    );

    expect(
      await screen.findByText('No Sentinel group named sessions'),
    ).toBeInTheDocument();
    // LinkButton renders an anchor with the button role.
    expect(screen.getByRole('button', { name: 'All groups' })).toHaveAttribute(
      'href',
      '/sentinel',
    );
  });

  it('shows each section’s error instead of a blank page when the backend is down', async () => {
    const unavailable = await responseError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'sentinel backend is starting',
    });
    await render(
      mockSentinelApi({
        getTopology: jest.fn().mockRejectedValue(unavailable),
        listFailovers: jest.fn().mockRejectedValue(unavailable),
        getLagHistory: jest.fn().mockRejectedValue(unavailable),
        getSessionStoreStats: jest.fn().mockRejectedValue(unavailable),
      }),
    );

    await waitFor(() =>
      expect(
        screen.getAllByText(/Request failed with 503 Service Unavailable/),
      ).toHaveLength(4),
    );
    expect(screen.getByText('Failovers')).toBeInTheDocument();
    expect(screen.getByText('Replication lag')).toBeInTheDocument();
  });
});
