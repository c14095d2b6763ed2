import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SentinelApi } from '@fleetdeck/plugin-sentinel-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { sentinelApiRef } from '../../api';
import { mockSentinelApi } from '../../__testUtils__/fixtures';
import { responseError } from '../../__testUtils__/responseError';
import { TriggerFailoverButton } from './TriggerFailoverButton';

// usePermission caches each decision for the life of a test file, so the denied case has a file of its own
// (TriggerFailoverButtonDenied.test.tsx).
async function render(options: {
  api?: jest.Mocked<SentinelApi>;
  onTriggered?: jest.Mock;
}) {
  const api = options.api ?? mockSentinelApi();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [sentinelApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: 'ALLOW' })],
      ]}
    >
      <TriggerFailoverButton
        group="sessions"
        master="10.0.0.1:6379"
        onTriggered={options.onTriggered}
      />
    </TestApiProvider>,
  );
  return api;
}

const triggerButton = () =>
  screen.getByRole('button', { name: 'Trigger failover' });

describe('TriggerFailoverButton', () => {
  it('starts a failover with the reason given and reports it', async () => {
    const onTriggered = jest.fn();
    const api = await render({ onTriggered });

    await waitFor(() => expect(triggerButton()).toBeEnabled());
    await userEvent.click(triggerButton());
    const dialog = within(screen.getByRole('dialog'));
    expect(
      dialog.getByText('Trigger a failover of sessions'),
    ).toBeInTheDocument();
    expect(dialog.getByText(/\(10\.0\.0\.1:6379\)/)).toBeInTheDocument();
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      '  Game day: check clients reconnect ',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Start failover' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.triggerFailover).toHaveBeenCalledWith(
      'sessions',
      'Game day: check clients reconnect',
    );
    expect(onTriggered).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'f-3' }),
    );
    expect(screen.getByText(/Failover f-3 started/)).toBeInTheDocument();
  });

  it('asks for a reason and calls nothing while the reason is empty', async () => {
    const api = await render({});

    await waitFor(() => expect(triggerButton()).toBeEnabled());
    await userEvent.click(triggerButton());
    const dialog = within(screen.getByRole('dialog'));
    const reason = dialog.getByRole('textbox', { name: /Reason/ });
    await userEvent.type(reason, '   ');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Start failover' }),
    );

    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription(
      'Give a reason: it is recorded with the failover.',
    );
    expect(api.triggerFailover).not.toHaveBeenCalled();

    await userEvent.type(reason, 'drill');
    expect(reason).toHaveAttribute('aria-invalid', 'false');
  });

  it('shows the backend’s error in the dialog and keeps it open', async () => {
    const api = mockSentinelApi({
      triggerFailover: jest.fn().mockRejectedValue(
        await responseError(409, 'Conflict', {
          name: 'ConflictError',
          message: 'a failover of sessions is already running',
        }),
      ),
    });
    const onTriggered = jest.fn();
    await render({ api, onTriggered });

    await waitFor(() => expect(triggerButton()).toBeEnabled());
    await userEvent.click(triggerButton());
    const dialog = within(screen.getByRole('dialog'));
    await userEvent.type(
      dialog.getByRole('textbox', { name: /Reason/ }),
      'drill',
    );
    await userEvent.click(
      dialog.getByRole('button', { name: 'Start failover' }),
    );

    expect(
      await dialog.findByText(
        'The failover was not started: Request failed with 409 Conflict: a failover of sessions is already running',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(
      dialog.getByRole('button', { name: 'Start failover' }),
    ).toBeEnabled();
    expect(onTriggered).not.toHaveBeenCalled();
  });

  it('closes on cancel without starting anything', async () => {
    const api = await render({});

    await waitFor(() => expect(triggerButton()).toBeEnabled());
    await userEvent.click(triggerButton());
    await userEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Cancel',
      }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.triggerFailover).not.toHaveBeenCalled();
  });
});
