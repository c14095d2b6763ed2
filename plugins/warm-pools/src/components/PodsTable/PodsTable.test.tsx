import { useState } from 'react';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PoolPod, WarmPoolsApi } from '@fleetdeck/plugin-warm-pools-common';
import { backendError } from '../../__testUtils__/backendError';
import {
  POOL_ID,
  mockWarmPoolsApi,
  poolPods,
} from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { PodsTable } from './PodsTable';
import { podRow } from '../../__testUtils__/queries';

// usePermission caches each decision for the life of a test file, so the denied case has a file of its own
// (PodsTableDenied.test.tsx).
async function render(api: jest.Mocked<WarmPoolsApi> = mockWarmPoolsApi()) {
  await renderWithApis(<PodsTable poolId={POOL_ID} pods={poolPods()} />, {
    api,
    authorize: 'ALLOW',
  });
  return api;
}

async function openDialog(pod: string) {
  const button = screen.getByRole('button', { name: `Terminate ${pod}` });
  await waitFor(() => expect(button).toBeEnabled());
  await userEvent.click(button);
  return within(screen.getByRole('dialog'));
}

describe('PodsTable', () => {
  it('offers Terminate for the pods that serve a session only', async () => {
    await render();

    expect(
      screen
        .getAllByRole('button', { name: /^Terminate / })
        .map(button => button.getAttribute('aria-label')),
    ).toEqual(['Terminate warm-h3j6r', 'Terminate session-k8v3x']);
    expect(
      podRow('warm-7xk2p').queryByRole('button', { name: /Terminate/ }),
    ).not.toBeInTheDocument();
  });

  it('terminates the pod once confirmed and marks it terminating', async () => {
    const api = await render();

    const dialog = await openDialog('session-k8v3x');
    expect(dialog.getByText('Terminate session-k8v3x?')).toBeInTheDocument();
    expect(dialog.getByText(/session sess-9z8y loses it/)).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Terminate pod' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.terminatePod).toHaveBeenCalledTimes(1);
    expect(api.terminatePod).toHaveBeenCalledWith(POOL_ID, 'session-k8v3x');
    expect(
      podRow('session-k8v3x').getByText('terminating'),
    ).toBeInTheDocument();
    expect(
      podRow('session-k8v3x').getByText('Terminating…'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Terminate warm-h3j6r' }),
    ).toBeEnabled();
  });

  it('keeps the confirmation open while the live list changes under it', async () => {
    let showPods: (pods: PoolPod[]) => void = () => {};
    function LivePodsTable() {
      const [pods, setPods] = useState(poolPods());
      showPods = setPods;
      return <PodsTable poolId={POOL_ID} pods={pods} />;
    }
    const api = mockWarmPoolsApi();
    await renderWithApis(<LivePodsTable />, { api, authorize: 'ALLOW' });

    const dialog = await openDialog('session-k8v3x');
    // a signal brings a new list: other order, a pod gone, a new one
    act(() =>
      showPods([
        { ...poolPods()[0], name: 'warm-new01', state: 'warm-pending' },
        ...poolPods()
          .filter(p => p.name !== 'warm-h3j6r')
          .reverse(),
      ]),
    );

    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByText('Terminate session-k8v3x?')).toBeInTheDocument();
    await userEvent.click(
      dialog.getByRole('button', { name: 'Terminate pod' }),
    );
    await waitFor(() =>
      expect(api.terminatePod).toHaveBeenCalledWith(POOL_ID, 'session-k8v3x'),
    );
  });

  it('does nothing when cancelled', async () => {
    const api = await render();

    const dialog = await openDialog('warm-h3j6r');
    await userEvent.click(dialog.getByRole('button', { name: 'Cancel' }));

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.terminatePod).not.toHaveBeenCalled();
    expect(podRow('warm-h3j6r').getByText('assigned')).toBeInTheDocument();
  });

  it('shows the backend’s error in the dialog and keeps the pod as it was', async () => {
    const api = mockWarmPoolsApi({
      terminatePod: jest.fn().mockRejectedValue(
        await backendError(409, 'Conflict', {
          name: 'ConflictError',
          message: 'pod warm-h3j6r is already terminating',
        }),
      ),
    });
    await render(api);

    const dialog = await openDialog('warm-h3j6r');
    await userEvent.click(
      dialog.getByRole('button', { name: 'Terminate pod' }),
    );

    expect(
      await dialog.findByText(
        'The pod was not terminated: Request failed with 409 Conflict: pod warm-h3j6r is already terminating',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Terminate pod' })).toBeEnabled();
    expect(podRow('warm-h3j6r').getByText('assigned')).toBeInTheDocument();
  });

  it('says so when the pool has no pods', async () => {
    await renderWithApis(<PodsTable poolId={POOL_ID} pods={[]} />, {
      api: mockWarmPoolsApi(),
    });

    expect(screen.getByText('Pods (0)')).toBeInTheDocument();
    expect(
      screen.getByText('The pool has no pods right now.'),
    ).toBeInTheDocument();
  });
});
