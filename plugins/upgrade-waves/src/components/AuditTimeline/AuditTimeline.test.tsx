import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { formatTime } from '@fleetdeck/frontend-common';
import { ADA, waveDetail } from '../../__testUtils__/fixtures';
import { actorName } from '../actorName';
import { AuditTimeline } from './AuditTimeline';

describe('AuditTimeline', () => {
  it('names actors as people read them', () => {
    expect(actorName('user:default/ada')).toBe('ada');
    expect(actorName('fleetdeck:orchestrator')).toBe('orchestrator');
    expect(actorName('')).toBe('');
  });

  it('lists events oldest first and shows a rejection on top', async () => {
    const { events } = waveDetail();
    await renderInTestApp(
      <AuditTimeline
        events={[
          {
            id: 3,
            waveId: 'wave-1',
            clusterId: 'test-2',
            type: 'wave-status',
            from: 'AWAITING_APPROVAL',
            to: 'CANCELLED',
            actor: ADA,
            message: 'rejected: wait for the CVE fix',
            at: '2026-11-29T10:30:00.000Z',
          },
          ...events,
        ]}
        decision={{
          decision: 'rejected',
          by: ADA,
          at: '2026-11-29T10:30:00.000Z',
          comment: 'wait for the CVE fix',
        }}
      />,
    );

    expect(
      screen.getByText(
        `Rejected by ada at ${formatTime(
          '2026-11-29T10:30:00.000Z',
        )}: wait for the CVE fix`,
      ),
    ).toBeInTheDocument();
    const items = within(
      screen.getByRole('list', { name: 'Audit log' }),
    ).getAllByRole('listitem');
    expect(items.map(item => item.querySelector('time')?.textContent)).toEqual([
      formatTime(events[0].at),
      formatTime(events[1].at),
      formatTime('2026-11-29T10:30:00.000Z'),
    ]);
    expect(items[2]).toHaveTextContent('test-2');
    expect(items[2]).toHaveTextContent('awaiting approval → cancelled');
  });

  it('says when nothing is recorded', async () => {
    await renderInTestApp(<AuditTimeline events={[]} />);
    expect(screen.getByText('Nothing recorded yet.')).toBeInTheDocument();
  });
});
