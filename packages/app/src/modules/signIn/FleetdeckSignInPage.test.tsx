import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  configApiRef,
  discoveryApiRef,
  gitlabAuthApiRef,
} from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import { FleetdeckSignInPage } from './FleetdeckSignInPage';

const gitlabAuth = {
  getBackstageIdentity: jest.fn(async () => undefined),
  getProfile: jest.fn(async () => undefined),
  signIn: jest.fn(),
  signOut: jest.fn(),
};

function renderSignIn(config: JsonObject, onSignInSuccess = jest.fn()) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, mockApis.config({ data: config })],
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'http://backend.test' }),
        ],
        [gitlabAuthApiRef, gitlabAuth],
      ]}
    >
      <FleetdeckSignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
}

const developmentConfig = {
  app: {
    signIn: {
      providers: ['development'],
      developmentUsers: [
        { name: 'ada', description: 'Platform admin' },
        { name: 'ben', description: 'Engineer' },
      ],
    },
  },
};

describe('FleetdeckSignInPage', () => {
  const fetchMock = jest.fn();
  const realFetch = global.fetch;

  beforeEach(() => {
    window.sessionStorage.clear();
    fetchMock.mockReset();
    global.fetch = fetchMock as any;
  });
  afterAll(() => {
    global.fetch = realFetch;
  });

  it('offers each development user and signs in as the one chosen, naming them in a header', async () => {
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify({
          profile: { displayName: 'Ben Moreau' },
          backstageIdentity: {
            token: 'header.eyJleHAiOjk5OTk5OTk5OTl9.signature',
            identity: {
              type: 'user',
              userEntityRef: 'user:default/ben',
              ownershipEntityRefs: ['user:default/ben'],
            },
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      ),
    );
    const onSignInSuccess = jest.fn();
    await renderSignIn(developmentConfig, onSignInSuccess);

    expect(screen.getByText('Platform admin')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as ben' }));

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toBe(
      'http://backend.test/api/auth/development/refresh',
    );
    expect(new Headers(init.headers).get('x-fleetdeck-user')).toBe('ben');
    expect(window.sessionStorage.getItem('fleetdeck.developmentUser')).toBe(
      'ben',
    );

    const identity = onSignInSuccess.mock.calls[0][0];
    await expect(identity.getBackstageIdentity()).resolves.toMatchObject({
      userEntityRef: 'user:default/ben',
    });
    await identity.signOut();
    expect(
      window.sessionStorage.getItem('fleetdeck.developmentUser'),
    ).toBeNull();
  });

  it('shows the error and the chooser again when the backend refuses the user', async () => {
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'User not found' },
        }),
        { status: 404, headers: { 'content-type': 'application/json' } },
      ),
    );
    await renderSignIn(developmentConfig);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in as ada' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Sign-in failed',
    );
    expect(
      screen.getByRole('button', { name: 'Sign in as ben' }),
    ).toBeInTheDocument();
  });

  it('offers GitLab sign-in when development sign-in is not configured', async () => {
    await renderSignIn({
      app: { title: 'Fleetdeck', signIn: { providers: ['gitlab'] } },
    });
    expect(screen.getByText('GitLab')).toBeInTheDocument();
    expect(screen.queryByText(/Sign in as/)).not.toBeInTheDocument();
  });
});
