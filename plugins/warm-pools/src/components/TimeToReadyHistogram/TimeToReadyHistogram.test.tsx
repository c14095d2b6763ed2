import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { poolDetail } from '../../__testUtils__/fixtures';
import { TimeToReadyHistogram, bucketLabel } from './TimeToReadyHistogram';

describe('TimeToReadyHistogram', () => {
  it('draws a bar per bucket, labelled with its upper bound', async () => {
    const { container } = await renderInTestApp(
      <TimeToReadyHistogram buckets={poolDetail.timeToReadyHistogram} />,
    );

    const ticks = [
      ...container.querySelectorAll(
        '.recharts-xAxis .recharts-cartesian-axis-tick-value',
      ),
    ].map(tick => tick.textContent);
    expect(ticks).toEqual([
      '≤ 5.0 s',
      '≤ 10.0 s',
      '≤ 15.0 s',
      '≤ 20.0 s',
      '≤ 30.0 s',
      '≤ 1 min',
    ]);
    // The empty first bucket has no visible bar.
    expect(
      container.querySelectorAll('.recharts-bar-rectangle path'),
    ).toHaveLength(5);
  });

  it('says so while no pod has become Ready', async () => {
    await renderInTestApp(
      <TimeToReadyHistogram
        buckets={[
          { leMs: 5_000, count: 0 },
          { leMs: 10_000, count: 0 },
        ]}
      />,
    );
    expect(
      screen.getByText(/No pod of this pool has become Ready/),
    ).toBeInTheDocument();
  });
});

describe('bucketLabel', () => {
  it('reads an open last bucket as above the one before', () => {
    expect(
      bucketLabel({ leMs: Infinity, count: 2 }, { leMs: 60_000, count: 1 }),
    ).toBe('> 1 min');
    // The backend's open bound (JSON has no Infinity).
    expect(
      bucketLabel(
        { leMs: Number.MAX_SAFE_INTEGER, count: 2 },
        { leMs: 300_000, count: 1 },
      ),
    ).toBe('> 5 min');
    // JSON has no Infinity: an open bound arrives as null.
    expect(
      bucketLabel(
        { leMs: null as unknown as number, count: 2 },
        { leMs: 30_000, count: 1 },
      ),
    ).toBe('> 30.0 s');
  });
});
