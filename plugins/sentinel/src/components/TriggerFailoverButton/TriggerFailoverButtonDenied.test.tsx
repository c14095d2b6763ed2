import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, waitFor } from '@testing-library/react';
import { sentinelApiRef } from '../../api';
import { mockSentinelApi } from '../../__testUtils__/fixtures';
import { TriggerFailoverButton } from './TriggerFailoverButton';

// usePermission caches each decision for the life of a test file; this file holds the denied case.
describe('TriggerFailoverButton without permission', () => {
  const triggerButton = () =>
    screen.getByRole('button', { name: 'Trigger failover' });

  it('is disabled, saying why, without the sentinel.failover.trigger permission', async () => {
    const api = mockSentinelApi();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [sentinelApiRef, api],
          [permissionApiRef, mockApis.permission({ authorize: 'DENY' })],
        ]}
      >
        <TriggerFailoverButton group="sessions" />
      </TestApiProvider>,
    );

    await waitFor(() =>
      expect(
        screen.getByText(
          'You need the sentinel.failover.trigger permission to trigger a failover.',
        ),
      ).toBeInTheDocument(),
    );
    expect(triggerButton()).toBeDisabled();
    expect(triggerButton()).toHaveAccessibleDescription(
      'You need the sentinel.failover.trigger permission to trigger a failover.',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.triggerFailover).not.toHaveBeenCalled();
  });
});
