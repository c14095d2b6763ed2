import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { waveOverrideOrderPermission } from '@fleetdeck/plugin-upgrade-waves-common';
import { fleet, mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { StartWaveButton } from './StartWaveDialog';

jest.setTimeout(30_000);

// usePermission caches each decision for the life of a test file; this file holds the denied override.
describe('StartWaveDialog without the override permission', () => {
  it('says the order can only be overridden with the permission, and keeps Start disabled', async () => {
    const api = mockUpgradeWavesApi({
      getPrerequisite: jest.fn(
        async (batchId: string, targetVersion: string) => ({
          batchId,
          previousBatchId: 'dev-wave-1',
          satisfied: false,
          message: `dev-wave-1 is not HEALTHY on ${targetVersion} yet`,
        }),
      ),
    });
    await renderWithApis(
      <StartWaveButton batches={fleet()} waves={[wave()]} />,
      { api, deny: [waveOverrideOrderPermission.name] },
    );
    const button = await screen.findByRole('button', { name: 'Start wave' });
    await waitFor(() => expect(button).toBeEnabled());
    await userEvent.click(button);
    const dialog = within(await screen.findByRole('dialog'));
    await userEvent.selectOptions(dialog.getByLabelText('Batch'), 'staging');
    await userEvent.type(dialog.getByLabelText('Target version'), '1.24.0');

    expect(
      await dialog.findByText('dev-wave-1 is not HEALTHY on 1.24.0 yet'),
    ).toBeInTheDocument();
    expect(
      await dialog.findByText(
        /needs the upgrade-waves\.wave\.override-order permission, which you do not have/,
      ),
    ).toBeInTheDocument();
    expect(dialog.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Start' })).toBeDisabled();
    expect(api.startWave).not.toHaveBeenCalled();
  });
});
