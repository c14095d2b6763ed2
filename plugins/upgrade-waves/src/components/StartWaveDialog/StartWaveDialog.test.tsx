import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { backendError } from '../../__testUtils__/backendError';
import { fleet, mockUpgradeWavesApi, wave } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { StartWaveButton } from './StartWaveDialog';

jest.setTimeout(30_000);

function Location() {
  return <p data-testid="location">{useLocation().pathname}</p>;
}

const waves = () => [
  wave(),
  wave({
    id: 'wave-0',
    batchId: 'prod-wave-1',
    targetVersion: '1.21.0',
    status: 'SUCCEEDED',
  }),
];

async function openDialog(api = mockUpgradeWavesApi()) {
  await renderWithApis(
    <>
      <StartWaveButton batches={fleet()} waves={waves()} />
      <Location />
    </>,
    { api, routeEntries: ['/upgrade-waves'] },
  );
  const button = await screen.findByRole('button', { name: 'Start wave' });
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  const dialog = await screen.findByRole('dialog', { name: 'Start a wave' });
  return { api, dialog: within(dialog) };
}

describe('StartWaveDialog', () => {
  it('starts a wave on the chosen batch and opens its page', async () => {
    const { api, dialog } = await openDialog();

    // The first batch without an active wave is chosen; the soak is its own.
    const batchSelect = dialog.getByLabelText('Batch');
    expect(batchSelect).toHaveValue('dev-wave-1');
    expect(dialog.getByLabelText('Soak (seconds)')).toHaveValue(3600);
    await userEvent.type(dialog.getByLabelText('Target version'), '1.23.0');

    expect(
      await dialog.findByText(
        'dev-wave-1 is first in rollout order; 1.23.0 may start',
      ),
    ).toBeInTheDocument();
    expect(api.getPrerequisite).toHaveBeenLastCalledWith(
      'dev-wave-1',
      '1.23.0',
    );
    const start = dialog.getByRole('button', { name: 'Start' });
    expect(start).toBeEnabled();
    await userEvent.click(start);

    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/upgrade-waves/waves/wave-2',
      ),
    );
    expect(api.startWave).toHaveBeenCalledWith({
      batchId: 'dev-wave-1',
      targetVersion: '1.23.0',
      soakSeconds: 3600,
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('offers the batches in order, the busy one disabled, and the fleet’s versions newest first', async () => {
    const { dialog } = await openDialog();

    const options = within(dialog.getByLabelText('Batch')).getAllByRole(
      'option',
    ) as HTMLOptionElement[];
    expect(options.map(o => [o.textContent, o.disabled])).toEqual([
      ['Choose a batch', true],
      ['test (has an active wave)', true],
      ['dev-wave-1', false],
      ['staging', false],
      ['prod-wave-1', false],
    ]);

    await userEvent.click(dialog.getByLabelText('Target version'));
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['1.23.0', '1.22.3', '1.21.0']);
    await userEvent.click(
      within(listbox).getByRole('option', { name: '1.22.3' }),
    );
    expect(dialog.getByLabelText('Target version')).toHaveValue('1.22.3');
  });

  it('takes the soak, override and reason given', async () => {
    const { api, dialog } = await openDialog();

    await userEvent.selectOptions(dialog.getByLabelText('Batch'), 'staging');
    const soak = dialog.getByLabelText('Soak (seconds)');
    await userEvent.clear(soak);
    await userEvent.type(soak, '120');
    await userEvent.type(dialog.getByLabelText('Reason'), 'CVE-2026-0001');
    await userEvent.type(
      dialog.getByLabelText('Target version'),
      '1.24.0-rc.1',
    );
    await dialog.findByText(/may start/);
    await userEvent.click(dialog.getByRole('button', { name: 'Start' }));

    await waitFor(() =>
      expect(api.startWave).toHaveBeenCalledWith({
        batchId: 'staging',
        targetVersion: '1.24.0-rc.1',
        soakSeconds: 120,
        reason: 'CVE-2026-0001',
      }),
    );
  });

  it('rejects a version that is not one, and does not ask about the order', async () => {
    const { api, dialog } = await openDialog();

    await userEvent.type(dialog.getByLabelText('Target version'), '1.23');

    expect(
      dialog.getByText('must be a version like 1.23.0'),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Start' })).toBeDisabled();
    expect(api.getPrerequisite).not.toHaveBeenCalled();

    await userEvent.type(dialog.getByLabelText('Target version'), '.0');
    expect(
      dialog.queryByText('must be a version like 1.23.0'),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(dialog.getByRole('button', { name: 'Start' })).toBeEnabled(),
    );
  });

  it('rejects a soak that is not a whole number of seconds up to a week', async () => {
    const { dialog } = await openDialog();
    await userEvent.type(dialog.getByLabelText('Target version'), '1.23.0');
    await dialog.findByText(/may start/);

    const soak = dialog.getByLabelText('Soak (seconds)');
    await userEvent.clear(soak);
    await userEvent.type(soak, '604801');

    expect(
      dialog.getByText(
        'Soak (seconds) must be a whole number from 0 to 604800',
      ),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Start' })).toBeDisabled();

    await userEvent.clear(soak);
    await userEvent.type(soak, '0');
    expect(dialog.getByRole('button', { name: 'Start' })).toBeEnabled();
  });

  it('holds Start until the rollout order is overridden, when the user may override it', async () => {
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
    const { dialog } = await openDialog(api);
    await userEvent.selectOptions(dialog.getByLabelText('Batch'), 'staging');
    await userEvent.type(dialog.getByLabelText('Target version'), '1.24.0');

    expect(
      await dialog.findByText('dev-wave-1 is not HEALTHY on 1.24.0 yet'),
    ).toBeInTheDocument();
    const start = dialog.getByRole('button', { name: 'Start' });
    expect(start).toBeDisabled();

    const override = await dialog.findByRole('checkbox', {
      name: 'Override the rollout order',
    });
    await userEvent.click(override);
    expect(start).toBeEnabled();
    await userEvent.click(start);

    await waitFor(() =>
      expect(api.startWave).toHaveBeenCalledWith({
        batchId: 'staging',
        targetVersion: '1.24.0',
        soakSeconds: 3600,
        overrideOrder: true,
      }),
    );
  });

  it('shows the backend’s refusal in the dialog and keeps it open', async () => {
    const conflict = await backendError(409, 'Conflict', {
      name: 'ConflictError',
      message: 'batch dev-wave-1 already has an active wave',
    });
    const api = mockUpgradeWavesApi({
      startWave: jest.fn().mockRejectedValue(conflict),
    });
    const { dialog } = await openDialog(api);
    await userEvent.type(dialog.getByLabelText('Target version'), '1.23.0');
    await dialog.findByText(/may start/);
    await userEvent.click(dialog.getByRole('button', { name: 'Start' }));

    expect(
      await dialog.findByText(
        'The wave was not started: Request failed with 409 Conflict: batch dev-wave-1 already has an active wave',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('dialog', { name: 'Start a wave' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      /^\/upgrade-waves$/,
    );
    expect(dialog.getByRole('button', { name: 'Start' })).toBeEnabled();
  });

  it('closes on Cancel and starts afresh when opened again', async () => {
    const { api, dialog } = await openDialog();
    await userEvent.type(dialog.getByLabelText('Target version'), '1.23.0');
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );

    await userEvent.click(screen.getByRole('button', { name: 'Start wave' }));
    const again = within(await screen.findByRole('dialog'));
    expect(again.getByLabelText('Target version')).toHaveValue('');
    expect(api.startWave).not.toHaveBeenCalled();
  });
});
