import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { tableRow as row } from '../../__testUtils__/tableRow';
import { sessionStoreStats } from '../../__testUtils__/fixtures';
import { SessionStoreTable } from './SessionStoreTable';

describe('SessionStoreTable', () => {
  it('shows each key family with its estimated count, TTL spread and keys without a TTL', async () => {
    await renderInTestApp(<SessionStoreTable stats={sessionStoreStats} />);

    expect(
      screen.getByText(/1,000 of 120,000 keys sampled on 10\.0\.0\.2:6379/),
    ).toBeInTheDocument();
    const sessions = row('session:*');
    expect(sessions.getByText('72,000')).toBeInTheDocument();
    expect(sessions.getByText('30 min')).toBeInTheDocument();
    expect(sessions.getByText('55 min')).toBeInTheDocument();
    expect(sessions.getByText('1 h')).toBeInTheDocument();

    expect(row('user_sessions:*').getByText('12')).toBeInTheDocument();
    expect(row('refresh_token:*').getByText('7 d')).toBeInTheDocument();
    expect(row('deletion_token:*').getAllByText('—')).toHaveLength(3);
  });

  it('says so when the group has not been sampled', async () => {
    await renderInTestApp(<SessionStoreTable stats={null} />);
    expect(
      screen.getByText(/^No session-store sample for this group yet/),
    ).toBeInTheDocument();
  });
});
