import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { useWaveActions } from '../../hooks/useWaveActions';
import { Wave } from '@fleetdeck/plugin-upgrade-waves-common';
import { WaveActions } from './WaveActions';

// usePermission caches its decisions per test file: the denied user has this file to themself.
jest.setTimeout(20_000);

function Actions(props: { wave: Wave }) {
  const actions = useWaveActions(props.wave);
  return (
    <WaveActions wave={props.wave} actions={actions} onApplied={jest.fn()} />
  );
}

describe('WaveActions without permissions', () => {
  it('disables every button with the permission as the reason, and calls nothing on click', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(<Actions wave={wave()} />, { api, deny: 'all' });

    const approveReason =
      'Approve, Reject: You do not have the upgrade-waves.wave.approve permission.';
    expect(await screen.findByText(approveReason)).toBeInTheDocument();
    expect(
      screen.getByText(
        'Pause, Cancel wave: You do not have the upgrade-waves.wave.pause permission.',
      ),
    ).toBeInTheDocument();
    for (const name of ['Approve', 'Reject', 'Pause', 'Cancel wave']) {
      expect(screen.getByRole('button', { name })).toBeDisabled();
    }
    expect(
      screen.getByRole('button', { name: 'Approve' }),
    ).toHaveAccessibleDescription(approveReason);

    const user = userEvent.setup({ pointerEventsCheck: 0 });
    for (const name of ['Approve', 'Reject', 'Pause', 'Cancel wave']) {
      await user.click(screen.getByRole('button', { name }));
    }
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.approveWave).not.toHaveBeenCalled();
    expect(api.rejectWave).not.toHaveBeenCalled();
    expect(api.pauseWave).not.toHaveBeenCalled();
    expect(api.cancelWave).not.toHaveBeenCalled();
  });

  it('disables Roll back with the rollback permission as the reason', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(<Actions wave={wave({ status: 'SOAKING' })} />, {
      api,
      deny: 'all',
    });

    await waitFor(() =>
      expect(
        screen.getByText(
          'Roll back: You do not have the upgrade-waves.wave.rollback permission.',
        ),
      ).toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Roll back' })).toBeDisabled();
    await userEvent
      .setup({ pointerEventsCheck: 0 })
      .click(screen.getByRole('button', { name: 'Roll back' }));
    expect(api.rollbackWave).not.toHaveBeenCalled();
  });
});
