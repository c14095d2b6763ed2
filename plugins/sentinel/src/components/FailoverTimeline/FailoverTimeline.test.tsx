import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  detectedFailover,
  failovers,
  manualFailover,
} from '../../__testUtils__/fixtures';
import { FailoverTimeline } from './FailoverTimeline';

describe('FailoverTimeline', () => {
  it('lists failovers newest first with their trigger, status and total duration', async () => {
    await renderInTestApp(<FailoverTimeline failovers={failovers} />);

    const items = screen.getAllByRole('listitem', { name: /^Failover / });
    expect(items.map(item => item.getAttribute('aria-label'))).toEqual([
      'Failover f-2',
      'Failover f-1',
    ]);
    const manual = within(items[0]);
    expect(manual.getByText('manual')).toBeInTheDocument();
    expect(manual.getByText('completed')).toBeInTheDocument();
    expect(manual.getByText(/4\.0 s total/)).toBeInTheDocument();
    expect(
      manual.getByText(/Reason: Game day: check clients reconnect\./),
    ).toBeInTheDocument();
    expect(manual.getByText(/By user:default\/ada\./)).toBeInTheDocument();
    expect(within(items[1]).getByText('detected')).toBeInTheDocument();
  });

  it('labels each phase with the time until the next one', async () => {
    await renderInTestApp(<FailoverTimeline failovers={[detectedFailover]} />);

    const phases = within(
      screen.getByRole('list', { name: 'Phases of failover f-1' }),
    );
    expect(
      phases.getAllByRole('listitem').map(item => item.textContent),
    ).toEqual([
      'sdown → odown 1.0 s',
      'odown → try failover 200 ms',
      'try failover → leader elected 300 ms',
      'leader elected → replica selected 500 ms',
      'replica selected → replica promoted 1.0 s',
      'replica promoted → switch master 2.0 s',
      'switch master → failover end 3.0 s',
    ]);
  });

  it('shows the phase a running failover is in, up to now', async () => {
    await renderInTestApp(
      <FailoverTimeline
        now={Date.parse('2025-06-01T09:30:03.000Z')}
        failovers={[
          {
            ...manualFailover,
            status: 'in-progress',
            endedAt: undefined,
            durationMs: undefined,
            newMaster: undefined,
            phases: manualFailover.phases.slice(0, 2),
          },
        ]}
      />,
    );

    expect(screen.getByText('in progress')).toBeInTheDocument();
    expect(screen.getByText(/3\.0 s so far/)).toBeInTheDocument();
    expect(
      screen.getByText('replica selected (ongoing) 2.5 s'),
    ).toBeInTheDocument();
  });

  it('marks a failover that timed out and one with no phases yet', async () => {
    await renderInTestApp(
      <FailoverTimeline
        failovers={[
          { ...detectedFailover, status: 'timed-out' },
          {
            ...manualFailover,
            id: 'f-3',
            startedAt: '2025-06-01T11:00:00.000Z',
            status: 'in-progress',
            phases: [],
          },
        ]}
      />,
    );

    expect(screen.getByText('timed out')).toBeInTheDocument();
    expect(screen.getByText('No phases recorded yet.')).toBeInTheDocument();
  });

  it('says so when there are no failovers', async () => {
    await renderInTestApp(<FailoverTimeline failovers={[]} />);
    expect(
      screen.getByText('No failovers recorded for this group.'),
    ).toBeInTheDocument();
  });
});
