import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { formatTime } from '@fleetdeck/frontend-common';
import {
  upgradeWavesSignalChannels,
  WaveAttentionKind,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { backendError } from '../../__testUtils__/backendError';
import { mockUpgradeWavesApi, waveDetail } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import {
  needsAttentionWave,
  soakingWave,
} from '../../__testUtils__/waveFixtures';
import { WavePage } from './WavePage';

// The whole page (a material-table per section, two charts per cluster) renders on every signal and click; on a
// busy two-core machine a test takes longer than jest's default 5 s.
jest.setTimeout(30_000);

const page = (waveId = 'wave-1') => <WavePage waveId={waveId} />;
const region = (name: string) => within(screen.getByRole('region', { name }));
const row = (text: string) => within(screen.getByText(text).closest('tr')!);

/** A promise that never settles: a request still in flight. */
const unanswered = <T,>() =>
  jest.fn<Promise<T>, [string]>(() => new Promise<T>(() => {}));

describe('WavePage', () => {
  it('shows the wave: header, actions, soak, merge request, clusters, checks, audit log, metrics, blast radius', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(page(), { api });

    expect(
      await screen.findByRole('heading', { name: 'Wave to 1.23.0 on test' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `Istio 1.22.3 → 1.23.0, started by grace at ${formatTime(
          '2026-11-29T10:00:00.000Z',
        )}`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('awaiting approval')).toBeInTheDocument();
    expect(screen.getByText('live')).toBeInTheDocument();
    expect(screen.queryByText(/Live updates are off/)).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Upgrade Waves' })).toHaveAttribute(
      'href',
      '/upgrade-waves',
    );
    expect(api.getWave).toHaveBeenCalledWith('wave-1');
    expect(api.getBlastRadius).toHaveBeenCalledWith('wave-1');

    // actions, for ada who did not start the wave
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Approve' })).toBeEnabled(),
    );
    for (const name of ['Reject', 'Pause', 'Cancel wave']) {
      expect(screen.getByRole('button', { name })).toBeEnabled();
    }
    expect(screen.queryByRole('button', { name: 'Roll back' })).toBeNull();

    // soak and merge request
    expect(
      screen.getByText(/Soaks 10 min after the upgrade/),
    ).toBeInTheDocument();
    const mrLink = screen.getByRole('link', {
      name: /^!7 Istio upgrade to v1\.23\.0 for test/,
    });
    expect(mrLink).toHaveAttribute(
      'href',
      'http://gitlab.example/platform/gitops-test/-/merge_requests/7',
    );
    const mr = within(mrLink.closest('li')!);
    expect(mr.getByText('opened')).toBeInTheDocument();
    expect(mr.getByText(/6 files, \+6 −6/)).toBeInTheDocument();
    expect(mr.getByText('feature/istio-1.23.0-test')).toBeInTheDocument();
    expect(mr.getByText(/Upgrade · platform\/gitops-test/)).toBeInTheDocument();

    // clusters
    expect(screen.getByText('Clusters (2)')).toBeInTheDocument();
    const testOne = within(screen.getAllByText('test-1')[0].closest('tr')!);
    expect(testOne.getByText('mr created')).toBeInTheDocument();

    // checks, grouped by cluster, expandable to their detail
    const checks = region('Checks on test-1');
    expect(
      checks.getByText('Before the upgrade (pre-checks)'),
    ).toBeInTheDocument();
    expect(checks.queryByText('After the soak (post-checks)')).toBeNull();
    expect(checks.getByText('/readyz answered ok')).toBeInTheDocument();
    expect(checks.getByText('12 ms')).toBeInTheDocument();
    expect(checks.getAllByText('passed')).toHaveLength(2);
    await userEvent.click(
      checks.getByRole('button', { name: /istiod 1\.22\.3 ready/ }),
    );
    expect(await checks.findByLabelText('Detail of istiod')).toHaveTextContent(
      '"version": "1.22.3"',
    );
    expect(
      region('Checks on test-2').getByText('api-server'),
    ).toBeInTheDocument();

    // audit log, oldest first
    const audit = within(screen.getByRole('list', { name: 'Audit log' }));
    const events = audit.getAllByRole('listitem');
    expect(events).toHaveLength(2);
    expect(events[0]).toHaveTextContent('grace');
    expect(events[0]).toHaveTextContent('→ pre checks');
    expect(events[0]).toHaveTextContent('started wave to 1.23.0 on test');
    expect(events[0]).toHaveTextContent(formatTime('2026-11-29T10:00:00.000Z'));
    expect(events[1]).toHaveTextContent('orchestrator');
    expect(events[1]).toHaveTextContent('pre checks → awaiting approval');
    expect(
      within(events[1]).getByRole('link', { name: /^MR !7/ }),
    ).toHaveAttribute(
      'href',
      'http://gitlab.example/platform/gitops-test/-/merge_requests/7',
    );

    // metrics against baseline, with the limits
    const traffic = within(
      screen.getByRole('table', { name: 'Traffic of test-1' }),
    );
    const errors = within(traffic.getByText('Error rate').closest('tr')!);
    expect(errors.getByText('0.20 %')).toBeInTheDocument();
    expect(errors.getByText('0.30 %')).toBeInTheDocument();
    expect(errors.getByText('at most 1.20 %')).toBeInTheDocument();
    expect(errors.getByText('within')).toBeInTheDocument();
    const latency = within(traffic.getByText('p95 latency').closest('tr')!);
    expect(latency.getByText('at most 144 ms')).toBeInTheDocument();

    // blast radius
    expect(await screen.findByText('Blast radius (1)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Cart' })).toHaveAttribute(
      'href',
      '/catalog/default/component/cart',
    );
    expect(
      row('test-1, test-2').getByRole('link', { name: /team-shop/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-shop');
    expect(
      row('test-1, test-2').getByText('backstage.io/kubernetes-id label'),
    ).toBeInTheDocument();
  });

  it('shows a soaking wave: countdown, restart progress, the approval, the merged MR', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockResolvedValue(soakingWave()),
      }),
    });

    expect(await screen.findByText('soaking')).toBeInTheDocument();
    expect(screen.getByRole('timer')).toHaveTextContent(/^0[67]:\d\d left$/);
    expect(
      screen.getByRole('progressbar', { name: 'Soak progress' }),
    ).toBeInTheDocument();
    expect(screen.getByText('3 of 8 workloads')).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Restarted 3 of 8 workloads' }),
    ).toHaveAttribute('aria-valuenow', '38');
    expect(
      screen.getByText('restarting workloads in 2 namespaces'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        `Approved by ada at ${formatTime(
          '2026-11-29T10:05:00.000Z',
        )}: dev looked fine for a week`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('merged')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Roll back' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('says what is not there yet: checks, merge request, baseline, blast radius', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockResolvedValue(
          waveDetail({
            status: 'PRE_CHECKS',
            mergeRequests: [],
            checks: [],
            clusters: waveDetail().clusters.map(c => ({
              ...c,
              status: 'PRE_CHECK_RUNNING' as const,
              baseline: undefined,
              latest: undefined,
            })),
          }),
        ),
        getBlastRadius: jest.fn().mockResolvedValue([]),
      }),
    });

    expect(
      await screen.findByText('No checks have run yet.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /No merge request yet: it is opened once the pre-checks pass/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/No baseline yet/)).toHaveLength(2);
    expect(
      await screen.findByText('No catalog Component runs on these clusters.'),
    ).toBeInTheDocument();
  });

  it('says so when the wave does not exist', async () => {
    await renderWithApis(page('wave-9'), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockRejectedValue(
          await backendError(404, 'Not Found', {
            name: 'NotFoundError',
            message: 'no wave wave-9',
          }),
        ),
        getBlastRadius: jest.fn().mockRejectedValue(
          await backendError(404, 'Not Found', {
            name: 'NotFoundError',
            message: 'no wave wave-9',
          }),
        ),
      }),
    });

    expect(await screen.findByText('No wave wave-9')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Back to the fleet' }),
    ).toHaveAttribute('href', '/upgrade-waves');
    expect(screen.queryByText('Blast radius')).not.toBeInTheDocument();
  });

  it('shows the error when the backend fails, and the blast radius’ own error apart', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockRejectedValue(
          await backendError(500, 'Internal Server Error', {
            name: 'Error',
            message: 'database is down',
          }),
        ),
      }),
    });

    expect(
      (await screen.findAllByText(/database is down/)).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('heading', { name: 'Wave wave-1' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/No wave/)).not.toBeInTheDocument();
  });

  it('shows the blast radius’ error in its card and the rest of the wave', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getBlastRadius: jest.fn().mockRejectedValue(
          await backendError(503, 'Service Unavailable', {
            name: 'ServiceUnavailableError',
            message: 'catalog unreachable',
          }),
        ),
      }),
    });

    expect(
      (await screen.findAllByText(/catalog unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText('Blast radius')).toBeInTheDocument();
    expect(screen.getByText('Clusters (2)')).toBeInTheDocument();
  });

  it('shows progress while the wave loads', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: unanswered(),
        getBlastRadius: unanswered(),
      }),
    });
    // Backstage's Progress appears after a short delay, so a fast answer never flickers.
    expect((await screen.findAllByRole('progressbar')).length).toBeGreaterThan(
      0,
    );
    expect(
      screen.getByRole('heading', { name: 'Wave wave-1' }),
    ).toBeInTheDocument();
  });

  it('follows the wave’s signals: the new state shows at once, then the page refetches', async () => {
    const api = mockUpgradeWavesApi({
      getWave: jest
        .fn()
        .mockResolvedValueOnce(waveDetail())
        .mockImplementation(() => new Promise<never>(() => {})),
    });
    const { signals } = await renderWithApis(page(), { api });
    expect(await screen.findByText('awaiting approval')).toBeInTheDocument();
    expect(signals!.channels()).toContain(
      upgradeWavesSignalChannels.wave('wave-1'),
    );

    signals!.transitioned(upgradeWavesSignalChannels.wave('wave-1'), {
      waveId: 'wave-1',
      status: 'UPGRADING',
      type: 'wave-status',
    });

    // the refetch has not answered, so the chip shows what the signal carried
    expect(await screen.findByText('upgrading')).toBeInTheDocument();
    expect(screen.queryByText('awaiting approval')).not.toBeInTheDocument();
    await waitFor(() => expect(api.getWave).toHaveBeenCalledTimes(2));
  });

  it('takes the refetched detail after a signal', async () => {
    const api = mockUpgradeWavesApi({
      getWave: jest
        .fn()
        .mockResolvedValueOnce(waveDetail())
        .mockResolvedValue(soakingWave()),
    });
    const { signals } = await renderWithApis(page(), { api });
    expect(await screen.findByText('awaiting approval')).toBeInTheDocument();

    signals!.transitioned(upgradeWavesSignalChannels.wave('wave-1'), {
      waveId: 'wave-1',
      status: 'SOAKING',
      type: 'wave-status',
    });

    expect(await screen.findByText('3 of 8 workloads')).toBeInTheDocument();
    expect(screen.getByRole('timer')).toBeInTheDocument();
  });

  it('says live updates are off without a signal API', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi(),
      signals: false,
    });
    expect(await screen.findByText(/Live updates are off/)).toBeInTheDocument();
    expect(screen.queryByText('live')).not.toBeInTheDocument();
  });

  it('shows an action’s error in place and keeps the dialog open', async () => {
    const api = mockUpgradeWavesApi({
      approveWave: jest.fn().mockRejectedValue(
        await backendError(409, 'Conflict', {
          name: 'ConflictError',
          message: 'wave wave-1 is CANCELLED, not AWAITING_APPROVAL',
        }),
      ),
    });
    await renderWithApis(page(), { api });

    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Approve' })).toBeEnabled(),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Comment/ }),
      'go',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve wave' }));

    expect(
      await dialog.findByText(
        'The wave was not approved: Request failed with 409 Conflict: wave wave-1 is CANCELLED, not AWAITING_APPROVAL',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('applies an action’s answer at once and refetches', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(page(), { api });

    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled(),
    );
    api.getWave.mockImplementation(() => new Promise<never>(() => {}));
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));

    expect(
      await screen.findByText('awaiting approval (paused)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(api.pauseWave).toHaveBeenCalledWith('wave-1');
    await waitFor(() => expect(api.getWave).toHaveBeenCalledTimes(2));
  });

  describe('a wave that needs attention', () => {
    /** The "Needs attention" alert. */
    const attentionAlert = () =>
      within(screen.getByRole('alert', { name: 'Needs attention' }));
    const ways = () =>
      within(attentionAlert().getByRole('list', { name: 'Ways out' }))
        .getAllByRole('listitem')
        .map(li => li.textContent);
    const buttonsIn = (scope: ReturnType<typeof attentionAlert>) =>
      scope.getAllByRole('button').map(b => b.textContent);

    it('shows why, since when, the state it stopped in, and its ways out as buttons in the alert', async () => {
      const shown = needsAttentionWave('gitlab-refused');
      await renderWithApis(page(), {
        api: mockUpgradeWavesApi({
          getWave: jest.fn().mockResolvedValue(shown),
        }),
      });

      expect(await screen.findByText('needs attention')).toBeInTheDocument();
      const alert = attentionAlert();
      expect(
        alert.getByText(
          'GitLab refused a request: GitLab refused to merge !7: 405 Method Not Allowed (the pipeline must succeed first)',
        ),
      ).toBeInTheDocument();
      expect(
        alert.getByText(
          `Stopped in merging since ${formatTime(
            '2026-11-29T10:07:00.000Z',
          )}; nothing has been merged. Fleetdeck takes no further step until someone chooses a way out.`,
        ),
      ).toBeInTheDocument();
      // The reason is said once, in the alert, not again in a note of its own.
      expect(screen.getAllByText(/405 Method Not Allowed/)).toHaveLength(1);

      await waitFor(() =>
        expect(alert.getByRole('button', { name: 'Retry' })).toBeEnabled(),
      );
      expect(buttonsIn(alert)).toEqual(['Retry', 'Cancel wave']);
      expect(ways()).toEqual([
        'Retry: back to merging, the step it stopped at',
        'Cancel wave: stops the wave for good; its merge request is closed unmerged',
      ]);
      // The buttons are in the alert only; the Actions card points there.
      expect(screen.getAllByRole('button', { name: 'Retry' })).toHaveLength(1);
      expect(
        screen.getByText(
          /its ways out are in the alert at the top of the page/,
        ),
      ).toBeInTheDocument();
    });

    it.each<[WaveAttentionKind, boolean, string[]]>([
      ['unapproved-merge', true, ['Approve', 'Roll back']],
      ['merge-request-closed', false, ['Retry', 'Cancel wave']],
      ['repeated-failure', true, ['Retry', 'Roll back']],
      ['repeated-failure', false, ['Retry', 'Cancel wave']],
      ['step-failed', true, ['Retry', 'Roll back']],
    ])(
      'offers the ways out of %s (upgrade merged: %s): %j',
      async (kind, upgradeMerged, names) => {
        await renderWithApis(page(), {
          api: mockUpgradeWavesApi({
            getWave: jest.fn().mockResolvedValue(
              needsAttentionWave(kind, {
                upgradeMerged,
                from: upgradeMerged ? 'UPGRADING' : 'MERGING',
              }),
            ),
          }),
        });

        const alert = await screen.findByRole('alert', {
          name: 'Needs attention',
        });
        await waitFor(() =>
          expect(
            within(alert).getByRole('button', { name: names[0] }),
          ).toBeEnabled(),
        );
        expect(buttonsIn(within(alert))).toEqual(names);
        expect(ways().map(w => w?.split(':')[0])).toEqual(names);
        expect(
          within(alert).getByText(
            upgradeMerged
              ? /the upgrade merge request is \(or may be\) merged/
              : /nothing has been merged/,
          ),
        ).toBeInTheDocument();
      },
    );

    it('says who merged it in GitLab, and that Approve adopts that merge', async () => {
      await renderWithApis(page(), {
        api: mockUpgradeWavesApi({
          getWave: jest
            .fn()
            .mockResolvedValue(needsAttentionWave('unapproved-merge')),
        }),
      });

      const alert = within(
        await screen.findByRole('alert', { name: 'Needs attention' }),
      );
      expect(
        alert.getByText(
          'The merge request was merged in GitLab without an approval: merge request !7 was merged in GitLab by linus without an approval',
        ),
      ).toBeInTheDocument();
      expect(ways()[0]).toBe(
        'Approve: adopts the merge done in GitLab; the wave goes on from awaiting approval',
      );
      expect(screen.getByText('merged by @linus')).toBeInTheDocument();
    });

    it('retries: calls the API, and the page shows the wave back in the step it stopped at', async () => {
      const stopped = needsAttentionWave('repeated-failure', {
        upgradeMerged: true,
        from: 'UPGRADING',
      });
      const resumed = { ...stopped, status: 'UPGRADING' as const };
      delete resumed.attention;
      const api = mockUpgradeWavesApi({
        getWave: jest
          .fn()
          .mockResolvedValueOnce(stopped)
          .mockResolvedValue(resumed),
        retryWave: jest.fn().mockResolvedValue(resumed),
      });
      await renderWithApis(page(), { api });

      const alert = within(
        await screen.findByRole('alert', { name: 'Needs attention' }),
      );
      await waitFor(() =>
        expect(alert.getByRole('button', { name: 'Retry' })).toBeEnabled(),
      );
      await userEvent.click(alert.getByRole('button', { name: 'Retry' }));
      const dialog = within(screen.getByRole('dialog'));
      expect(
        dialog.getByText(
          /The wave returns to upgrading, the step it stopped at/,
        ),
      ).toBeInTheDocument();
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Comment/ }),
        'cluster test-2 is back',
      );
      await userEvent.click(dialog.getByRole('button', { name: 'Retry wave' }));

      await waitFor(() =>
        expect(
          screen.queryByRole('alert', { name: 'Needs attention' }),
        ).not.toBeInTheDocument(),
      );
      expect(api.retryWave).toHaveBeenCalledWith(
        'wave-1',
        'cluster test-2 is back',
      );
      expect(screen.getByText('upgrading')).toBeInTheDocument();
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      // The buttons are back in the Actions card.
      await waitFor(() =>
        expect(screen.getByRole('button', { name: 'Roll back' })).toBeEnabled(),
      );
      await waitFor(() => expect(api.getWave).toHaveBeenCalledTimes(2));
    });

    it('shows the alert as soon as a signal says so, before the refetch tells why', async () => {
      const api = mockUpgradeWavesApi({
        getWave: jest
          .fn()
          .mockResolvedValueOnce(waveDetail({ status: 'MERGING' }))
          .mockImplementation(() => new Promise<never>(() => {})),
      });
      const { signals } = await renderWithApis(page(), { api });
      expect(await screen.findByText('merging')).toBeInTheDocument();

      signals!.transitioned(upgradeWavesSignalChannels.wave('wave-1'), {
        waveId: 'wave-1',
        status: 'NEEDS_ATTENTION',
        type: 'wave-status',
      });

      const alert = within(
        await screen.findByRole('alert', { name: 'Needs attention' }),
      );
      expect(
        alert.getByText('The wave stopped for a person.'),
      ).toBeInTheDocument();
    });
  });

  it('shows a merging wave: no cancel or reject, and says why', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockResolvedValue(waveDetail({ status: 'MERGING' })),
      }),
    });

    expect(await screen.findByText('merging')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Approved and being merged: the wave can no longer be cancelled or rejected. Once merged it can be rolled back.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No actions while the wave is merging.'),
    ).toBeInTheDocument();
    for (const name of ['Cancel wave', 'Reject', 'Approve']) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
  });

  it('warns of a step that is failing and being retried', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockResolvedValue(
          waveDetail({
            status: 'UPGRADING',
            lastFailure: {
              message: 'cluster test-2 unreachable: connect ECONNREFUSED',
              at: '2026-11-29T10:06:00.000Z',
              attempts: 3,
            },
          }),
        ),
      }),
    });

    expect(
      await screen.findByText(
        `Step failing, retrying: cluster test-2 unreachable: connect ECONNREFUSED (attempt 3) · last at ${formatTime(
          '2026-11-29T10:06:00.000Z',
        )}`,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('alert', { name: 'Needs attention' }),
    ).not.toBeInTheDocument();
  });

  it('does not say a step is retrying once the wave waits for a person', async () => {
    await renderWithApis(page(), {
      api: mockUpgradeWavesApi({
        getWave: jest.fn().mockResolvedValue({
          ...needsAttentionWave('repeated-failure'),
          lastFailure: {
            message: 'cluster test-2 unreachable',
            at: '2026-11-29T10:06:00.000Z',
            attempts: 10,
          },
        }),
      }),
    });

    expect(
      await screen.findByRole('alert', { name: 'Needs attention' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Step failing, retrying/),
    ).not.toBeInTheDocument();
  });
});
