import { act, screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { formatTime } from '@fleetdeck/frontend-common';
import { wave } from '../../__testUtils__/fixtures';
import { formatCountdown, SoakCard } from './SoakCard';

const NOW = Date.parse('2026-11-29T10:30:00.000Z');

afterEach(() => jest.useRealTimers());

describe('SoakCard', () => {
  it('counts down each second on its own while soaking', async () => {
    jest.useFakeTimers({ now: NOW, advanceTimers: true });
    const soakEndsAt = new Date(NOW + 125_000).toISOString();
    await renderInTestApp(
      <SoakCard
        wave={wave({ status: 'SOAKING', soakSeconds: 600, soakEndsAt })}
      />,
    );

    expect(screen.getByRole('timer')).toHaveTextContent('02:05 left');
    // 475 s of 600 s soaked
    expect(
      screen.getByRole('progressbar', { name: 'Soak progress' }),
    ).toHaveAttribute('aria-valuenow', '79');
    expect(
      screen.getByText(new RegExp(`Ends at ${formatTime(soakEndsAt)}`)),
    ).toBeInTheDocument();

    act(() => {
      jest.advanceTimersByTime(1000);
    });
    expect(screen.getByRole('timer')).toHaveTextContent('02:04 left');

    act(() => {
      jest.advanceTimersByTime(124_000);
    });
    expect(screen.getByRole('timer')).toHaveTextContent('00:00 left');
    expect(
      screen.getByText('Soak over: comparing the traffic with the baseline.'),
    ).toBeInTheDocument();
  });

  it('says how long it will soak before the upgrade', async () => {
    await renderInTestApp(
      <SoakCard
        wave={wave({ status: 'AWAITING_APPROVAL', soakSeconds: 3600 })}
      />,
    );
    expect(
      screen.getByText(/^Soaks 60 min after the upgrade/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('timer')).not.toBeInTheDocument();
  });

  it('says the soak is done after it', async () => {
    await renderInTestApp(
      <SoakCard
        wave={wave({
          status: 'SUCCEEDED',
          soakEndsAt: '2026-11-29T10:20:00.000Z',
        })}
      />,
    );
    expect(
      screen.getByText(
        `Soak done: 10 min, ended at ${formatTime(
          '2026-11-29T10:20:00.000Z',
        )}.`,
      ),
    ).toBeInTheDocument();
  });

  it('says there was no soak when the wave ended before it', async () => {
    await renderInTestApp(<SoakCard wave={wave({ status: 'CANCELLED' })} />);
    expect(
      screen.getByText('No soak: the wave ended before it (10 min planned).'),
    ).toBeInTheDocument();
  });

  it('formats minutes past the hour as minutes', () => {
    expect(formatCountdown(90 * 60_000)).toBe('90:00');
    expect(formatCountdown(59_001)).toBe('01:00');
    expect(formatCountdown(-5)).toBe('00:00');
  });
});
