import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  degradedTopology,
  downTopology,
  healthyTopology,
} from '../../__testUtils__/fixtures';
import { GroupProblems } from './GroupProblems';

describe('GroupProblems', () => {
  it('lists the problems of a degraded group', async () => {
    await renderInTestApp(<GroupProblems topology={degradedTopology} />);

    expect(screen.getByText('Warning: cache is degraded')).toBeInTheDocument();
    const problems = within(screen.getByRole('list', { name: 'Problems' }));
    expect(
      problems.getAllByRole('listitem').map(item => item.textContent),
    ).toEqual(degradedTopology.problems);
  });

  it('names a group that is down', async () => {
    await renderInTestApp(<GroupProblems topology={downTopology} />);
    expect(screen.getByText('Error: queue is down')).toBeInTheDocument();
    expect(screen.getByText('no sentinel reachable')).toBeInTheDocument();
  });

  it('explains an unknown state without problems', async () => {
    await renderInTestApp(
      <GroupProblems
        topology={{ ...healthyTopology, health: 'unknown', problems: [] }}
      />,
    );
    expect(
      screen.getByText('Warning: sessions has an unknown state'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/may not have reached the group yet/),
    ).toBeInTheDocument();
  });

  it('gives a short all-clear for a healthy group', async () => {
    await renderInTestApp(<GroupProblems topology={healthyTopology} />);
    expect(
      screen.getByText('sessions is healthy: no problems found.'),
    ).toBeInTheDocument();
  });
});
