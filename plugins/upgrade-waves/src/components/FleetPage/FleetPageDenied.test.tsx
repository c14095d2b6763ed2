import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { waveCreatePermission } from '@fleetdeck/plugin-upgrade-waves-common';
import { mockUpgradeWavesApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { FleetPage } from './FleetPage';

jest.setTimeout(30_000);

const REASON =
  'You need the upgrade-waves.wave.create permission to start a wave.';

// usePermission caches each decision for the life of a test file; this file holds the denied case.
describe('FleetPage without the permission to start waves', () => {
  it('disables Start wave, saying why, and still shows the fleet', async () => {
    const api = mockUpgradeWavesApi();
    await renderWithApis(<FleetPage />, {
      api,
      deny: [waveCreatePermission.name],
    });

    await waitFor(() => expect(screen.getByText(REASON)).toBeInTheDocument());
    const button = screen.getByRole('button', { name: 'Start wave' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(REASON);
    expect(
      screen.getByRole('region', { name: 'Batch test' }),
    ).toBeInTheDocument();

    // The tooltip on the (disabled) button's wrapper says the same.
    await userEvent.hover(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(REASON);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.startWave).not.toHaveBeenCalled();
  });
});
