import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { blastRadius } from '../../__testUtils__/fixtures';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { BlastRadiusTable } from './BlastRadiusTable';

const catalogRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('BlastRadiusTable', () => {
  it('links each Component and its owner to the catalog', async () => {
    await renderInTestApp(
      <BlastRadiusTable
        entries={[
          ...blastRadius(),
          {
            entityRef: 'component:default/search',
            clusters: ['test-2'],
            via: ['annotation'],
          },
        ]}
      />,
      { mountedRoutes: catalogRoutes },
    );

    expect(screen.getByText('Blast radius (2)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Cart' })).toHaveAttribute(
      'href',
      '/catalog/default/component/cart',
    );
    expect(screen.getByRole('link', { name: /search/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/search',
    );
    expect(screen.getByText('no owner')).toBeInTheDocument();
    expect(
      screen.getByText('fleetdeck.io/clusters annotation'),
    ).toBeInTheDocument();
  });

  it('says when no Component runs on the clusters', async () => {
    await renderInTestApp(<BlastRadiusTable entries={[]} />, {
      mountedRoutes: catalogRoutes,
    });
    expect(
      screen.getByText('No catalog Component runs on these clusters.'),
    ).toBeInTheDocument();
  });
});
