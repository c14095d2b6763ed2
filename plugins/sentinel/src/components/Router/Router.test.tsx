import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router-dom';
import { sentinelApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  degradedTopology,
  healthyTopology,
  mockSentinelApi,
} from '../../__testUtils__/fixtures';
import { Router } from './Router';

function render(path: string, api = mockSentinelApi()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [sentinelApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <Routes>
        <Route path="/sentinel/*" element={<Router />} />
      </Routes>
    </TestApiProvider>,
    { mountedRoutes: { '/sentinel': rootRouteRef }, routeEntries: [path] },
  );
}

describe('Router', () => {
  it('opens the overview at the mount point and a group page from its link', async () => {
    const api = mockSentinelApi({
      getTopology: jest.fn(async (group: string) =>
        group === 'cache' ? degradedTopology : healthyTopology,
      ),
    });
    await render('/sentinel', api);

    await userEvent.click(await screen.findByRole('link', { name: 'cache' }));

    expect(
      await screen.findByText('Redis Sentinel group, master name cache-master'),
    ).toBeInTheDocument();
    expect(api.getTopology).toHaveBeenCalledWith('cache');
  });

  it('serves a group page at groups/:group', async () => {
    const api = mockSentinelApi();
    await render('/sentinel/groups/sessions', api);

    expect(await screen.findByText('Replicas (2)')).toBeInTheDocument();
    expect(api.getTopology).toHaveBeenCalledWith('sessions');
  });

  it('answers unknown paths with a not-found page', async () => {
    await render('/sentinel/nothing/here');
    expect(
      await screen.findByText(
        'ERROR 404: There is no such Redis Sentinel page.',
      ),
    ).toBeInTheDocument();
  });
});
