import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  Wave,
  WaveAttention,
  WaveAttentionKind,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { backendError } from '../../__testUtils__/backendError';
import { GRACE, mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { useWaveActions } from '../../hooks/useWaveActions';
import { WaveActions } from './WaveActions';

jest.setTimeout(20_000);

function Actions(props: { wave: Wave; onApplied(wave: Wave): void }) {
  const actions = useWaveActions(props.wave);
  return (
    <WaveActions
      wave={props.wave}
      actions={actions}
      onApplied={props.onApplied}
    />
  );
}

async function render(
  shown: Wave,
  options: Omit<Parameters<typeof renderWithApis>[1], 'api'> & {
    api?: ReturnType<typeof mockUpgradeWavesApi>;
  } = {},
) {
  const api = options.api ?? mockUpgradeWavesApi();
  const onApplied = jest.fn();
  await renderWithApis(<Actions wave={shown} onApplied={onApplied} />, {
    ...options,
    api,
  });
  return { api, onApplied };
}

const button = (name: string) => screen.getByRole('button', { name });
const buttonNames = () => screen.getAllByRole('button').map(b => b.textContent);

/** Waits until the permission decisions have loaded and `name` is enabled. */
const enabled = async (name: string) => {
  await waitFor(() => expect(button(name)).toBeEnabled());
  return button(name);
};

describe('WaveActions', () => {
  it('lets another person approve a wave awaiting approval, with a required comment', async () => {
    const { api, onApplied } = await render(wave());

    await enabled('Approve');
    expect(buttonNames()).toEqual([
      'Approve',
      'Reject',
      'Pause',
      'Cancel wave',
    ]);

    await userEvent.click(button('Approve'));

    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Approve the wave to 1.23.0 on test?'),
    ).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Approve wave' });
    expect(confirm).toBeDisabled();
    const comment = dialog.getByRole('textbox', { name: /Comment/ });
    expect(comment).toBeRequired();
    await userEvent.type(comment, '   ');
    expect(confirm).toBeDisabled();

    await userEvent.type(comment, 'dev has run 1.23.0 for a week ');
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.approveWave).toHaveBeenCalledWith(
      'wave-1',
      'dev has run 1.23.0 for a week',
    );
    expect(onApplied).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'wave-1', status: 'UPGRADING' }),
    );
  });

  it('rejects with a required comment', async () => {
    const { api, onApplied } = await render(wave());

    await userEvent.click(await enabled('Reject'));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.getByRole('button', { name: 'Reject wave' })).toBeDisabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Comment/ }),
      'wait for the CVE fix',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Reject wave' }));

    await waitFor(() =>
      expect(api.rejectWave).toHaveBeenCalledWith(
        'wave-1',
        'wait for the CVE fix',
      ),
    );
    expect(onApplied).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'CANCELLED' }),
    );
  });

  it('does not let the starter approve their own wave (four-eyes), and says why', async () => {
    await render(wave(), { user: GRACE });

    await enabled('Reject');
    expect(button('Approve')).toBeDisabled();
    expect(
      screen.getByText(
        'Approve: You started this wave; another person must approve it (four-eyes).',
      ),
    ).toBeInTheDocument();
    expect(button('Approve')).toHaveAccessibleDescription(
      'Approve: You started this wave; another person must approve it (four-eyes).',
    );
  });

  it('lets the starter approve when upgradeWaves.approval.allowSelfApproval is set', async () => {
    const { api } = await render(wave(), {
      user: GRACE,
      config: { upgradeWaves: { approval: { allowSelfApproval: true } } },
    });

    await userEvent.click(await enabled('Approve'));
    expect(screen.queryByText(/four-eyes/)).not.toBeInTheDocument();
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Comment/ }),
      'ok',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve wave' }));
    await waitFor(() =>
      expect(api.approveWave).toHaveBeenCalledWith('wave-1', 'ok'),
    );
  });

  it('offers Pause and Roll back while soaking, and rolls back after confirmation', async () => {
    const { api, onApplied } = await render(wave({ status: 'SOAKING' }));

    await enabled('Roll back');
    expect(buttonNames()).toEqual(['Pause', 'Roll back']);

    await userEvent.click(button('Roll back'));
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Roll back test to Istio 1.22.3?'),
    ).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Roll back wave' }),
    );

    await waitFor(() =>
      expect(api.rollbackWave).toHaveBeenCalledWith('wave-1', undefined),
    );
    expect(onApplied).toHaveBeenCalledWith(
      expect.objectContaining({ status: 'ROLLING_BACK' }),
    );
  });

  it('pauses at once, without a dialog', async () => {
    const { api, onApplied } = await render(wave({ status: 'UPGRADING' }));

    await userEvent.click(await enabled('Pause'));

    await waitFor(() =>
      expect(onApplied).toHaveBeenCalledWith(
        expect.objectContaining({ paused: true }),
      ),
    );
    expect(api.pauseWave).toHaveBeenCalledWith('wave-1');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('offers Resume instead of Pause on a paused wave', async () => {
    const { api, onApplied } = await render(
      wave({ status: 'SOAKING', paused: true }),
    );

    await userEvent.click(await enabled('Resume'));
    expect(buttonNames()).toEqual(['Resume', 'Roll back']);

    await waitFor(() =>
      expect(onApplied).toHaveBeenCalledWith(
        expect.objectContaining({ paused: false }),
      ),
    );
    expect(api.resumeWave).toHaveBeenCalledWith('wave-1');
  });

  it('cancels after confirmation, with an optional comment', async () => {
    const { api } = await render(wave({ status: 'PRE_CHECKS' }));

    await enabled('Cancel wave');
    expect(buttonNames()).toEqual(['Pause', 'Cancel wave']);
    await userEvent.click(button('Cancel wave'));
    const dialog = within(screen.getByRole('dialog'));
    const confirm = dialog.getByRole('button', { name: 'Cancel the wave' });
    expect(confirm).toBeEnabled();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Comment/ }),
      'wrong target',
    );
    await userEvent.click(confirm);

    await waitFor(() =>
      expect(api.cancelWave).toHaveBeenCalledWith('wave-1', 'wrong target'),
    );
  });

  it('closes a confirmation on Back without calling anything', async () => {
    const { api } = await render(wave({ status: 'PRE_CHECKS' }));

    await userEvent.click(await enabled('Cancel wave'));
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', { name: 'Back' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.cancelWave).not.toHaveBeenCalled();
  });

  it('shows a 409 from the backend in the dialog and keeps it open', async () => {
    const api = mockUpgradeWavesApi({
      approveWave: jest.fn().mockRejectedValue(
        await backendError(409, 'Conflict', {
          name: 'ConflictError',
          message: 'wave wave-1 is UPGRADING, not AWAITING_APPROVAL',
        }),
      ),
    });
    const { onApplied } = await render(wave(), { api });

    await userEvent.click(await enabled('Approve'));
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Comment/ }),
      'go',
    );
    await userEvent.click(dialog.getByRole('button', { name: 'Approve wave' }));

    expect(
      await dialog.findByText(
        'The wave was not approved: Request failed with 409 Conflict: wave wave-1 is UPGRADING, not AWAITING_APPROVAL',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Approve wave' })).toBeEnabled();
    expect(onApplied).not.toHaveBeenCalled();
  });

  it('shows an error of a direct action beside the buttons', async () => {
    const api = mockUpgradeWavesApi({
      pauseWave: jest.fn().mockRejectedValue(
        await backendError(403, 'Forbidden', {
          name: 'NotAllowedError',
          message: 'not allowed to pause waves',
        }),
      ),
    });
    const { onApplied } = await render(wave({ status: 'UPGRADING' }), { api });

    await userEvent.click(await enabled('Pause'));

    expect(
      await screen.findByText(
        'The wave was not paused: Request failed with 403 Forbidden: not allowed to pause waves',
      ),
    ).toBeInTheDocument();
    expect(onApplied).not.toHaveBeenCalled();
    expect(button('Pause')).toBeEnabled();
  });

  it('offers only Roll back on a succeeded wave, and nothing on a cancelled one', async () => {
    await render(wave({ status: 'SUCCEEDED' }));
    await enabled('Roll back');
    expect(buttonNames()).toEqual(['Roll back']);
  });

  it('says there is nothing to do on a cancelled wave', async () => {
    await render(wave({ status: 'CANCELLED' }));
    expect(
      screen.getByText('No actions while the wave is cancelled.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('offers no action on a merging wave: it can no longer be cancelled or rejected', async () => {
    await render(wave({ status: 'MERGING' }));
    expect(
      screen.getByText('No actions while the wave is merging.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('does not promise in the cancel dialog that no cluster has changed', async () => {
    await render(wave());
    await userEvent.click(await enabled('Cancel wave'));
    const dialog = within(screen.getByRole('dialog'));
    expect(dialog.queryByText(/no cluster has been changed/)).toBeNull();
    expect(
      dialog.getByText(/Should GitLab show it merged after all/),
    ).toBeInTheDocument();
  });

  describe('on a wave that needs attention', () => {
    const attention = (
      kind: WaveAttentionKind,
      upgradeMerged: boolean,
      from: WaveAttention['from'] = 'MERGING',
    ): Wave =>
      wave({
        status: 'NEEDS_ATTENTION',
        attention: {
          kind,
          upgradeMerged,
          from,
          reason: `stopped: ${kind}`,
          since: '2026-11-29T10:07:00.000Z',
        },
      });

    it.each<[WaveAttentionKind, boolean, string[]]>([
      ['unapproved-merge', true, ['Approve', 'Roll back']],
      ['gitlab-refused', false, ['Retry', 'Cancel wave']],
      ['gitlab-refused', true, ['Retry', 'Roll back']],
      ['merge-request-closed', false, ['Retry', 'Cancel wave']],
      ['repeated-failure', false, ['Retry', 'Cancel wave']],
      ['repeated-failure', true, ['Retry', 'Roll back']],
      ['step-failed', true, ['Retry', 'Roll back']],
    ])(
      'shows only the ways out of %s (upgrade merged: %s): %j',
      async (kind, upgradeMerged, names) => {
        await render(attention(kind, upgradeMerged));
        await enabled(names[0]);
        expect(buttonNames()).toEqual(names);
      },
    );

    it('approves an unapproved GitLab merge, saying that it adopts that merge', async () => {
      const { api } = await render(
        attention('unapproved-merge', true, 'AWAITING_APPROVAL'),
      );

      await userEvent.click(await enabled('Approve'));
      const dialog = within(screen.getByRole('dialog'));
      expect(
        dialog.getByText(/Approving adopts the merge done in GitLab/),
      ).toBeInTheDocument();
      expect(
        dialog.getByText(/the wave goes on from awaiting approval/),
      ).toBeInTheDocument();
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Comment/ }),
        'linus merged it on purpose',
      );
      await userEvent.click(
        dialog.getByRole('button', { name: 'Approve wave' }),
      );
      await waitFor(() =>
        expect(api.approveWave).toHaveBeenCalledWith(
          'wave-1',
          'linus merged it on purpose',
        ),
      );
    });

    it('retries after confirmation, with an optional comment, back to the step it stopped at', async () => {
      const { api, onApplied } = await render(
        attention('gitlab-refused', false),
      );

      await userEvent.click(await enabled('Retry'));
      const dialog = within(screen.getByRole('dialog'));
      expect(
        dialog.getByText('Retry the wave to 1.23.0 on test?'),
      ).toBeInTheDocument();
      expect(
        dialog.getByText(
          /The wave returns to merging, the step it stopped at, and that step is tried again\./,
        ),
      ).toBeInTheDocument();
      const confirm = dialog.getByRole('button', { name: 'Retry wave' });
      expect(confirm).toBeEnabled();
      expect(
        dialog.getByRole('textbox', { name: 'Comment (optional)' }),
      ).not.toBeRequired();
      await userEvent.click(confirm);

      await waitFor(() =>
        expect(api.retryWave).toHaveBeenCalledWith('wave-1', undefined),
      );
      expect(onApplied).toHaveBeenCalledWith(
        expect.objectContaining({ status: 'UPGRADING' }),
      );
    });

    it('says a retry opens a closed rollback merge request again', async () => {
      await render(attention('merge-request-closed', true, 'ROLLING_BACK'));
      await userEvent.click(await enabled('Retry'));
      expect(
        within(screen.getByRole('dialog')).getByText(
          /the rollback merge request is opened again/,
        ),
      ).toBeInTheDocument();
    });

    it('shows a refused retry in the dialog', async () => {
      const api = mockUpgradeWavesApi({
        retryWave: jest.fn().mockRejectedValue(
          await backendError(409, 'Conflict', {
            name: 'ConflictError',
            message: 'wave wave-1 is CANCELLED, not NEEDS_ATTENTION',
          }),
        ),
      });
      const { onApplied } = await render(attention('step-failed', true), {
        api,
      });

      await userEvent.click(await enabled('Retry'));
      const dialog = within(screen.getByRole('dialog'));
      await userEvent.type(
        dialog.getByRole('textbox', { name: /Comment/ }),
        'fixed the file',
      );
      await userEvent.click(dialog.getByRole('button', { name: 'Retry wave' }));

      expect(
        await dialog.findByText(
          'The wave was not retried: Request failed with 409 Conflict: wave wave-1 is CANCELLED, not NEEDS_ATTENTION',
        ),
      ).toBeInTheDocument();
      expect(api.retryWave).toHaveBeenCalledWith('wave-1', 'fixed the file');
      expect(onApplied).not.toHaveBeenCalled();
    });
  });
});
