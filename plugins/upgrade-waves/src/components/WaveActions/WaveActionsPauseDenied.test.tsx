import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  Wave,
  wavePausePermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { useWaveActions } from '../../hooks/useWaveActions';
import { WaveActions } from './WaveActions';

// usePermission caches its decisions per test file: the user without wave.pause has this file to themself.
jest.setTimeout(20_000);

function Actions(props: { wave: Wave }) {
  const actions = useWaveActions(props.wave);
  return (
    <WaveActions wave={props.wave} actions={actions} onApplied={jest.fn()} />
  );
}

describe('WaveActions without the wave.pause permission', () => {
  it('disables Retry with the permission as the reason, and leaves Roll back to the rollback permission', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(
      <Actions
        wave={wave({
          status: 'NEEDS_ATTENTION',
          attention: {
            from: 'UPGRADING',
            kind: 'repeated-failure',
            reason: 'cluster test-2 unreachable (10 attempts in a row)',
            since: '2026-11-29T10:07:00.000Z',
            upgradeMerged: true,
          },
        })}
      />,
      { api, deny: [wavePausePermission.name] },
    );

    const reason =
      'Retry: You do not have the upgrade-waves.wave.pause permission.';
    expect(await screen.findByText(reason)).toBeInTheDocument();
    const retry = screen.getByRole('button', { name: 'Retry' });
    expect(retry).toBeDisabled();
    expect(retry).toHaveAccessibleDescription(reason);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Roll back' })).toBeEnabled(),
    );

    await userEvent.setup({ pointerEventsCheck: 0 }).click(retry);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.retryWave).not.toHaveBeenCalled();
  });
});
