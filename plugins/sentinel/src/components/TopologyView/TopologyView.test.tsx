import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { tableRow as row } from '../../__testUtils__/tableRow';
import {
  degradedTopology,
  downTopology,
  healthyTopology,
} from '../../__testUtils__/fixtures';
import { TopologyView } from './TopologyView';

describe('TopologyView', () => {
  it('shows the master, quorum, replicas with their lag and the sentinels of a healthy group', async () => {
    await renderInTestApp(<TopologyView topology={healthyTopology} />);

    expect(row('Master').getByText('10.0.0.1:6379')).toBeInTheDocument();
    expect(screen.getByText('ok: 3 usable, quorum 2')).toBeInTheDocument();
    expect(screen.getByText('3/3 reachable')).toBeInTheDocument();
    expect(
      screen.getByText('every reachable sentinel names the same master'),
    ).toBeInTheDocument();

    expect(screen.getByText('Replicas (2)')).toBeInTheDocument();
    const lagging = row('10.0.0.3:6379');
    expect(lagging.getByText('1.5 KiB')).toBeInTheDocument();
    expect(lagging.getByText('0.4 s')).toBeInTheDocument();
    expect(lagging.getByText('up')).toBeInTheDocument();

    expect(screen.getByText('Sentinels (3/3 reachable)')).toBeInTheDocument();
    expect(row('10.0.0.11:26379').getByText('reachable')).toBeInTheDocument();
  });

  it('marks a replica whose link is down and an unreachable sentinel with its error and next retry', async () => {
    await renderInTestApp(<TopologyView topology={degradedTopology} />);

    expect(row('10.1.0.3:6379').getByText('down')).toBeInTheDocument();
    const sentinel = row('10.1.0.13:26379');
    expect(sentinel.getByText('unreachable')).toBeInTheDocument();
    expect(
      sentinel.getByText('connect ECONNREFUSED 10.1.0.13:26379'),
    ).toBeInTheDocument();
    expect(sentinel.getByText(/^retry at /)).toBeInTheDocument();
    expect(screen.getByText('Sentinels (2/3 reachable)')).toBeInTheDocument();
  });

  it('flags a sentinel that sees another master or has the master down', async () => {
    await renderInTestApp(
      <TopologyView
        topology={{
          ...healthyTopology,
          sentinelsAgree: false,
          sentinels: [
            healthyTopology.sentinels[0],
            {
              address: '10.0.0.12:26379',
              reachable: true,
              master: '10.0.0.2:6379',
              masterFlags: ['master', 's_down'],
            },
          ],
        }}
      />,
    );

    expect(
      screen.getByText('the sentinels disagree on the master'),
    ).toBeInTheDocument();
    const dissenter = row('10.0.0.12:26379');
    expect(dissenter.getByText('10.0.0.2:6379 (differs)')).toBeInTheDocument();
    expect(dissenter.getByText('master, s_down')).toBeInTheDocument();
  });

  it('says so when a group has no known master, no replicas and no quorum answer', async () => {
    await renderInTestApp(<TopologyView topology={downTopology} />);

    expect(screen.getByText('no master known')).toBeInTheDocument();
    expect(
      screen.getByText('unknown: no sentinel answered'),
    ).toBeInTheDocument();
    expect(screen.getByText('No replicas known.')).toBeInTheDocument();
    expect(screen.getByText('0/2 reachable')).toBeInTheDocument();
  });
});
