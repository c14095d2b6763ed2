import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lagSamples } from '../../__testUtils__/fixtures';
import { LagChart } from './LagChart';

describe('LagChart', () => {
  it('sums up each replica’s current and peak lag', async () => {
    await renderInTestApp(<LagChart samples={lagSamples} />);

    const summary = within(
      screen.getByRole('list', { name: 'Lag per replica' }),
    );
    expect(
      summary.getAllByRole('listitem').map(item => item.textContent),
    ).toEqual([
      '10.0.0.2:6379: now 0 B (0.0 s), peak 0 B',
      '10.0.0.3:6379: now 1.5 KiB (0.4 s), peak 1.5 KiB',
    ]);
  });

  it('draws a line per replica', async () => {
    const { container } = await renderInTestApp(
      <LagChart samples={lagSamples} />,
    );

    expect(container.querySelectorAll('.recharts-line')).toHaveLength(2);
    const legend = container.querySelector('.recharts-legend-wrapper');
    expect(legend).toHaveTextContent('10.0.0.2:6379');
    expect(legend).toHaveTextContent('10.0.0.3:6379');
  });

  it('switches the chart between bytes and seconds', async () => {
    const { container } = await renderInTestApp(
      <LagChart samples={lagSamples} />,
    );
    const yAxis = () => container.querySelector('.recharts-yAxis');

    const bytes = screen.getByRole('button', { name: 'Bytes' });
    const seconds = screen.getByRole('button', { name: 'Seconds' });
    expect(bytes).toHaveAttribute('aria-pressed', 'true');
    expect(yAxis()).toHaveTextContent('KiB');

    await userEvent.click(seconds);
    expect(seconds).toHaveAttribute('aria-pressed', 'true');
    expect(bytes).toHaveAttribute('aria-pressed', 'false');
    expect(yAxis()).not.toHaveTextContent('KiB');
    expect(yAxis()).toHaveTextContent(/\d\.\d s/);
  });

  it('says so when there are no samples', async () => {
    await renderInTestApp(<LagChart samples={[]} />);
    expect(
      screen.getByText('No lag samples in this window.'),
    ).toBeInTheDocument();
  });
});
