import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  POOL_ID,
  mockWarmPoolsApi,
  poolPods,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { PodsTable } from './PodsTable';

const REASON =
  'You need the warm-pools.pod.terminate permission to terminate pods.';

// usePermission caches each decision for the life of a test file; this file holds the denied case.
describe('PodsTable without permission', () => {
  it('disables Terminate, saying why, without warm-pools.pod.terminate', async () => {
    const api = mockWarmPoolsApi();
    await renderWithApis(<PodsTable poolId={POOL_ID} pods={poolPods()} />, {
      api,
      authorize: 'DENY',
    });

    await waitFor(() => expect(screen.getByText(REASON)).toBeInTheDocument());
    const buttons = screen.getAllByRole('button', { name: /^Terminate / });
    expect(buttons).toHaveLength(2);
    for (const button of buttons) {
      expect(button).toBeDisabled();
      expect(button).toHaveAccessibleDescription(REASON);
    }

    // The tooltip on the (disabled) button's wrapper says the same.
    await userEvent.hover(buttons[0].parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(REASON);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.terminatePod).not.toHaveBeenCalled();
  });
});
