import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockWarmPoolsApi } from '../../__testUtils__/fixtures';
import { renderWithApis } from '../../__testUtils__/render';
import { Router } from './Router';

jest.setTimeout(30_000);

function render(path: string, api = mockWarmPoolsApi()) {
  return renderWithApis(
    <Routes>
      <Route path="/warm-pools/*" element={<Router />} />
    </Routes>,
    { api, routeEntries: [path] },
  );
}

describe('Router', () => {
  it('opens the pools at the mount point, and a pool’s page from its link', async () => {
    const api = mockWarmPoolsApi();
    await render('/warm-pools', api);

    const [gpu] = await screen.findAllByRole('link', { name: 'gpu' });
    await userEvent.click(gpu);

    expect(
      await screen.findByText(
        'Warm pool in namespace sessions of cluster prod-eu-1',
      ),
    ).toBeInTheDocument();
    expect(api.getPool).toHaveBeenCalledWith('prod-eu-1/sessions/gpu');
  });

  it('serves a pool page at :cluster/:namespace/:pool', async () => {
    const api = mockWarmPoolsApi();
    await render('/warm-pools/prod-eu-1/sessions/warm', api);

    expect(
      await screen.findByRole('group', { name: 'Warm ready' }),
    ).toBeInTheDocument();
    expect(api.getPool).toHaveBeenCalledWith('prod-eu-1/sessions/warm');
  });

  it('answers other paths with a not-found page', async () => {
    await render('/warm-pools/prod-eu-1/sessions');
    expect(
      await screen.findByText('ERROR 404: There is no such Warm Pools page.'),
    ).toBeInTheDocument();
  });
});
