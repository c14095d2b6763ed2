import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { formatTime } from '@fleetdeck/frontend-common';
import { warmPoolsSignalChannels } from '@fleetdeck/plugin-warm-pools-common';
import { backendError } from '../../__testUtils__/backendError';
import {
  POOL_ID,
  POOL_REF,
  mockWarmPoolsApi,
  unanswered,
  poolDetail,
  poolHistory,
  poolPods,
  poolSummary,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { fakeSignalApi } from '../../__testUtils__/signals';
import { PoolPage } from './PoolPage';
import { group, podRow } from '../../__testUtils__/queries';

const HOUR_MS = 60 * 60 * 1000;

// The whole page (two charts, two material-tables, eight cards) re-renders on every click and signal; on a busy
// two-core machine a test takes longer than jest's default 5 s.
jest.setTimeout(30_000);

afterEach(() => jest.useRealTimers());

describe('PoolPage', () => {
  it('shows the live counts, history, sizing advice, time to ready, latency, empty moments and pods', async () => {
    const api = mockWarmPoolsApi();
    const { container } = await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api,
    });

    expect(
      await screen.findByRole('group', { name: 'Warm ready' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Warm pool in namespace sessions of cluster prod-eu-1'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Warm Pools' })).toHaveAttribute(
      'href',
      '/warm-pools',
    );
    expect(group('Warm ready').getByText('3 / 4')).toBeInTheDocument();
    expect(group('Warm ready').getByText('low')).toBeInTheDocument();
    expect(group('Warm pending').getByText('1')).toBeInTheDocument();
    expect(group('Assigned').getByText('5')).toBeInTheDocument();
    expect(group('On-demand sessions').getByText('2')).toBeInTheDocument();
    expect(group('Empty today').getByText('1')).toBeInTheDocument();
    expect(
      group('Assignment rate').getByText('1.50 / min'),
    ).toBeInTheDocument();
    expect(group('Time to ready p90').getByText('18.0 s')).toBeInTheDocument();
    expect(group('Replenish lag p90').getByText('21.0 s')).toBeInTheDocument();

    // the stacked areas and the target line
    await waitFor(() =>
      expect(container.querySelectorAll('.recharts-area')).toHaveLength(3),
    );
    const legend = container.querySelector('.recharts-legend-wrapper');
    for (const name of ['warm ready', 'warm pending', 'assigned', 'target']) {
      expect(legend).toHaveTextContent(name);
    }
    expect(screen.getByText('4 points, one per 10 s')).toBeInTheDocument();

    // sizing advice beside the current target
    expect(group('Current target').getByText('4')).toBeInTheDocument();
    expect(group('Recommended').getByText('6')).toBeInTheDocument();
    expect(screen.getByText('Raise the target to 6.')).toBeInTheDocument();
    expect(screen.getByText('18.0 s (time to Ready, p90)')).toBeInTheDocument();
    expect(screen.getByText('3.4 % at the current target')).toBeInTheDocument();
    expect(screen.getByText('at most 1.0 %')).toBeInTheDocument();

    // time to ready histogram: a bar per bucket, labelled with its bound
    expect(
      screen.getByText('Pod creation to Ready, 44 pods'),
    ).toBeInTheDocument();
    expect(container.querySelector('.recharts-bar')).toBeInTheDocument();
    const xTicks = [
      ...container.querySelectorAll(
        '.recharts-xAxis .recharts-cartesian-axis-tick-value',
      ),
    ].map(tick => tick.textContent);
    expect(xTicks).toEqual(expect.arrayContaining(['≤ 10.0 s', '≤ 1 min']));

    // session start latency, warm against on demand
    const warm = within(screen.getByText('warm pod').closest('tr')!);
    expect(warm.getByText('38')).toBeInTheDocument();
    expect(warm.getByText('120 ms')).toBeInTheDocument();
    expect(warm.getByText('300 ms')).toBeInTheDocument();
    expect(warm.getByText('800 ms')).toBeInTheDocument();
    const onDemand = within(screen.getByText('on demand').closest('tr')!);
    expect(onDemand.getByText('52.0 s')).toBeInTheDocument();
    expect(onDemand.getAllByText('1 min 1 s')).toHaveLength(2);

    // recent empty moments, newest first
    expect(
      within(screen.getByRole('list', { name: 'Recent empty moments' }))
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      formatTime('2025-06-01T09:12:00.000Z'),
      formatTime('2025-06-01T08:30:00.000Z'),
    ]);

    // pods
    expect(await screen.findByText('Pods (6)')).toBeInTheDocument();
    expect(podRow('warm-7xk2p').getByText('warm-ready')).toBeInTheDocument();
    expect(podRow('warm-7xk2p').getByText('12 min')).toBeInTheDocument();
    expect(podRow('warm-c5n1w').getByText('warm-pending')).toBeInTheDocument();
    expect(podRow('warm-h3j6r').getByText('assigned')).toBeInTheDocument();
    expect(podRow('warm-h3j6r').getByText('sess-1a2b')).toBeInTheDocument();
    expect(podRow('warm-h3j6r').getByText('1 h 35 min')).toBeInTheDocument();
    expect(podRow('session-k8v3x').getByText('on-demand')).toBeInTheDocument();
    expect(
      screen
        .getAllByRole('button', { name: /^Terminate / })
        .map(b => b.getAttribute('aria-label')),
    ).toEqual(['Terminate warm-h3j6r', 'Terminate session-k8v3x']);

    expect(api.getPool).toHaveBeenCalledWith(POOL_ID);
    expect(api.listPods).toHaveBeenCalledWith(POOL_ID);
    expect(api.getHistory).toHaveBeenCalledWith(POOL_ID, {
      from: expect.any(String),
    });
  });

  it('loads the history of the range chosen: 1 h by default, or 6 h, 24 h or 7 d', async () => {
    const api = mockWarmPoolsApi();
    await renderWithApis(<PoolPage pool={POOL_REF} />, { api });
    await screen.findByText('4 points, one per 10 s');
    const windowOf = (call: number) => {
      const [, options] = api.getHistory.mock.calls[call];
      return Date.now() - Date.parse(options!.from!);
    };
    expect(windowOf(0)).toBeGreaterThanOrEqual(HOUR_MS);
    expect(windowOf(0)).toBeLessThan(2 * HOUR_MS);
    expect(screen.getByRole('button', { name: '1 h' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    expect(
      within(screen.getByRole('group', { name: 'History range' }))
        .getAllByRole('button')
        .map(button => button.textContent),
    ).toEqual(['1 h', '6 h', '24 h', '7 d']);

    for (const [label, hours] of [
      ['6 h', 6],
      ['7 d', 7 * 24],
    ] as const) {
      const calls = api.getHistory.mock.calls.length;
      await userEvent.click(screen.getByRole('button', { name: label }));
      await waitFor(() =>
        expect(api.getHistory).toHaveBeenCalledTimes(calls + 1),
      );
      expect(windowOf(calls)).toBeGreaterThanOrEqual(hours * HOUR_MS);
      expect(windowOf(calls)).toBeLessThan((hours + 1) * HOUR_MS);
      expect(screen.getByRole('button', { name: label })).toHaveAttribute(
        'aria-pressed',
        'true',
      );
    }
  });

  it('says when the range holds no points yet', async () => {
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getHistory: jest.fn().mockResolvedValue({ ...poolHistory, points: [] }),
      }),
    });

    expect(
      await screen.findByText(/No points in this range yet/),
    ).toBeInTheDocument();
  });

  it('gives the reason when there is not enough data for sizing advice', async () => {
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getPool: jest.fn().mockResolvedValue({
          ...poolDetail,
          advice: {
            currentTarget: 4,
            arrivalRatePerMinute: 0.1,
            emptyProbabilityTarget: 0.01,
            reason: 'fewer than 20 sessions observed in the last hour',
          },
        }),
      }),
    });

    expect(
      await screen.findByText(
        'No recommendation yet: fewer than 20 sessions observed in the last hour',
      ),
    ).toBeInTheDocument();
    expect(group('Current target').getByText('4')).toBeInTheDocument();
    expect(group('Recommended').getByText('—')).toBeInTheDocument();
    expect(screen.getAllByText('unknown')).toHaveLength(2);
  });

  it('shows progress while the pool loads', async () => {
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getPool: unanswered(),
        listPods: unanswered(),
        getHistory: unanswered(),
      }),
    });

    expect(await screen.findAllByTestId('progress')).toHaveLength(3);
    expect(
      screen.queryByRole('group', { name: 'Warm ready' }),
    ).not.toBeInTheDocument();
  });

  it('warns, with the last sync time, when the cluster’s watch is down', async () => {
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getPool: jest.fn().mockResolvedValue({
          ...poolDetail,
          stale: true,
          lastSyncedAt: '2025-06-01T09:45:00.000Z',
        }),
      }),
    });

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(
      'Out of sync with its cluster: these are the last known numbers',
    );
    expect(banner).toHaveTextContent(
      `The watch on cluster prod-eu-1 is down; last in sync at ${formatTime(
        '2025-06-01T09:45:00.000Z',
      )}.`,
    );
    expect(group('Warm ready').getByText('3 / 4')).toBeInTheDocument();
  });

  it('shows each part’s error when the backend fails', async () => {
    const unavailable = await backendError(503, 'Service Unavailable', {
      name: 'ServiceUnavailableError',
      message: 'warm-pools backend is starting',
    });
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getPool: jest.fn().mockRejectedValue(unavailable),
        listPods: jest.fn().mockRejectedValue(unavailable),
        getHistory: jest.fn().mockRejectedValue(unavailable),
      }),
    });

    await waitFor(() =>
      expect(
        screen.getAllByText(/Request failed with 503 Service Unavailable/),
      ).toHaveLength(3),
    );
    expect(screen.getByText('Pods over time')).toBeInTheDocument();
  });

  it('says there is no such pool, with a way back, on a 404', async () => {
    const notFound = await backendError(404, 'Not Found', {
      name: 'NotFoundError',
      message: 'no pool prod-eu-1/sessions/warm',
    });
    await renderWithApis(<PoolPage pool={POOL_REF} />, {
      api: mockWarmPoolsApi({
        getPool: jest.fn().mockRejectedValue(notFound),
        listPods: jest.fn().mockRejectedValue(notFound),
        getHistory: jest.fn().mockRejectedValue(notFound),
      }),
    });

    expect(
      await screen.findByText('No warm pool prod-eu-1/sessions/warm'),
    ).toBeInTheDocument();
    // LinkButton renders an anchor with the button role.
    expect(screen.getByRole('button', { name: 'All pools' })).toHaveAttribute(
      'href',
      '/warm-pools',
    );
  });

  it('puts a signal’s counts on the page at once, then refetches pods and history', async () => {
    const api = mockWarmPoolsApi();
    const signals = fakeSignalApi();
    await renderWithApis(<PoolPage pool={POOL_REF} />, { api, signals });
    await screen.findByText('Pods (6)');
    expect(signals.channels()).toEqual([warmPoolsSignalChannels.pool(POOL_ID)]);

    // The detail refetch never answers: the counts below can only come from the signal.
    api.getPool.mockReturnValue(new Promise(() => {}));
    api.listPods.mockResolvedValue([
      ...poolPods(),
      {
        name: 'warm-p0q1r',
        state: 'warm-pending',
        createdAt: new Date().toISOString(),
        ageMs: 0,
      },
    ]);
    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary(POOL_REF, { warmReady: 4, warmPending: 2, assigned: 6 }),
    );

    expect(group('Warm ready').getByText('4 / 4')).toBeInTheDocument();
    expect(group('Warm ready').getByText('healthy')).toBeInTheDocument();
    expect(group('Warm pending').getByText('2')).toBeInTheDocument();
    expect(group('Assigned').getByText('6')).toBeInTheDocument();
    expect(await screen.findByText('warm-p0q1r')).toBeInTheDocument();
    expect(api.listPods).toHaveBeenCalledTimes(2);
    expect(api.getHistory).toHaveBeenCalledTimes(2);
    expect(api.getPool).toHaveBeenCalledTimes(2);
  });

  it('ignores a signal about another pool', async () => {
    const api = mockWarmPoolsApi();
    const signals = fakeSignalApi();
    await renderWithApis(<PoolPage pool={POOL_REF} />, { api, signals });
    await screen.findByText('Pods (6)');

    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary({ ...POOL_REF, pool: 'gpu' }, { warmReady: 0 }),
    );

    expect(group('Warm ready').getByText('3 / 4')).toBeInTheDocument();
    expect(api.listPods).toHaveBeenCalledTimes(1);
  });

  it('keeps the newest signal’s counts when a refetch asked for before it answers after it', async () => {
    const api = mockWarmPoolsApi();
    const signals = fakeSignalApi();
    await renderWithApis(<PoolPage pool={POOL_REF} />, { api, signals });
    await screen.findByText('Pods (6)');
    // The clock stops here, so that the refetch the second signal asks for a second later does not come.
    jest.useFakeTimers({ now: Date.now() });
    let answerRefetch: (value: typeof poolDetail) => void = () => {};
    api.getPool
      .mockImplementationOnce(
        () => new Promise(resolve => (answerRefetch = resolve)),
      )
      .mockReturnValue(new Promise(() => {}));

    // The first signal refetches the detail; the second comes while that refetch is on its way.
    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary(POOL_REF, { warmReady: 2, warmPending: 2 }),
    );
    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary(POOL_REF, { warmReady: 1, warmPending: 3 }),
    );
    expect(group('Warm ready').getByText('1 / 4')).toBeInTheDocument();
    await act(async () =>
      answerRefetch({
        ...poolDetail,
        warmReady: 2,
        warmPending: 2,
        recentEmptyAt: ['2025-06-01T09:59:00.000Z'],
      }),
    );

    // The refetch's other parts are taken, its counts are not: the second signal is newer.
    expect(
      within(
        screen.getByRole('list', { name: 'Recent empty moments' }),
      ).getByText(formatTime('2025-06-01T09:59:00.000Z')),
    ).toBeInTheDocument();
    expect(group('Warm ready').getByText('1 / 4')).toBeInTheDocument();
    expect(group('Warm pending').getByText('3')).toBeInTheDocument();
    expect(api.getPool).toHaveBeenCalledTimes(2);
  });

  it('terminates a session’s pod, then follows the signals as the pool heals', async () => {
    const api = mockWarmPoolsApi();
    const signals = fakeSignalApi();
    await renderWithApis(<PoolPage pool={POOL_REF} />, { api, signals });
    await screen.findByText('Pods (6)');

    const terminate = screen.getByRole('button', {
      name: 'Terminate warm-h3j6r',
    });
    await waitFor(() => expect(terminate).toBeEnabled());
    await userEvent.click(terminate);
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Terminate pod',
      }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.terminatePod).toHaveBeenCalledWith(POOL_ID, 'warm-h3j6r');
    expect(podRow('warm-h3j6r').getByText('terminating')).toBeInTheDocument();

    // Kubernetes deletes the pod, the provisioner starts a warm one; the backend signals both.
    const healed = { warmReady: 3, warmPending: 2, assigned: 4 };
    api.getPool.mockResolvedValue({ ...poolDetail, ...healed });
    api.listPods.mockResolvedValue([
      ...poolPods().filter(pod => pod.name !== 'warm-h3j6r'),
      {
        name: 'warm-r4t7y',
        state: 'warm-pending',
        createdAt: new Date().toISOString(),
        ageMs: 0,
      },
    ]);
    signals.poolChanged(
      warmPoolsSignalChannels.pool(POOL_ID),
      poolSummary(POOL_REF, healed),
    );

    expect(await screen.findByText('warm-r4t7y')).toBeInTheDocument();
    expect(screen.queryByText('warm-h3j6r')).not.toBeInTheDocument();
    expect(podRow('warm-r4t7y').getByText('warm-pending')).toBeInTheDocument();
    expect(group('Assigned').getByText('4')).toBeInTheDocument();
  });
});
