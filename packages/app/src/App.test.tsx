import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('opens on the Fleetdeck sign-in page offering the configured development users', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: {
              title: 'Fleetdeck',
              signIn: {
                providers: ['development'],
                developmentUsers: [
                  { name: 'ada', description: 'Platform admin' },
                  { name: 'ben', description: 'Engineer' },
                ],
              },
            },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByRole(
        'button',
        { name: 'Sign in as ada' },
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Sign in as ben' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Development sign-in: choose who you are'),
    ).toBeInTheDocument();
  });
});
