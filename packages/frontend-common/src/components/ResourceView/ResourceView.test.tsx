import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import type { Resource } from '../../hooks/useResource';
import { ResourceView } from './ResourceView';

function resource(state: { value?: string; error?: Error }): Resource<string> {
  return { ...state, loading: false, refresh: () => {}, update: () => {} };
}

describe('ResourceView', () => {
  it('shows the value', async () => {
    await renderInTestApp(
      <ResourceView resource={resource({ value: 'three pools' })}>
        {value => <p>{value}</p>}
      </ResourceView>,
    );

    expect(screen.getByText('three pools')).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows the error when nothing was ever loaded', async () => {
    await renderInTestApp(
      <ResourceView resource={resource({ error: new Error('backend down') })}>
        {value => <p>{value}</p>}
      </ResourceView>,
    );

    expect(screen.getAllByText(/backend down/).length).toBeGreaterThan(0);
  });

  it('keeps the last value under a warning when a refresh failed', async () => {
    await renderInTestApp(
      <ResourceView
        resource={resource({
          value: 'three pools',
          error: new Error('backend restarting'),
        })}
      >
        {value => <p>{value}</p>}
      </ResourceView>,
    );

    expect(screen.getByText('three pools')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Could not refresh: backend restarting. Showing the last data loaded.',
    );
  });

  it('shows progress, not children, while the first load runs', async () => {
    const children = jest.fn();
    await renderInTestApp(
      <ResourceView resource={{ ...resource({}), loading: true }}>
        {children}
      </ResourceView>,
    );

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(children).not.toHaveBeenCalled();
  });
});
