import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { poolHistory } from '../../__testUtils__/fixtures';
import { PoolHistoryChart } from './PoolHistoryChart';

describe('PoolHistoryChart', () => {
  it('stacks warm ready, warm pending and assigned, with the target as a line', async () => {
    const { container } = await renderInTestApp(
      <PoolHistoryChart history={poolHistory} />,
    );

    expect(container.querySelectorAll('.recharts-area')).toHaveLength(3);
    expect(container.querySelectorAll('.recharts-line')).toHaveLength(1);
    expect(
      [...container.querySelectorAll('.recharts-legend-item-text')].map(
        item => item.textContent,
      ),
    ).toEqual(['warm ready', 'warm pending', 'assigned', 'target']);
  });

  it('leaves the target line out when no point knows the target', async () => {
    const { container } = await renderInTestApp(
      <PoolHistoryChart
        history={{
          ...poolHistory,
          points: poolHistory.points.map(p => ({ ...p, target: undefined })),
        }}
      />,
    );

    expect(container.querySelectorAll('.recharts-area')).toHaveLength(3);
    expect(container.querySelector('.recharts-line')).not.toBeInTheDocument();
  });

  it('says so when the range has no points', async () => {
    await renderInTestApp(
      <PoolHistoryChart history={{ ...poolHistory, points: [] }} />,
    );
    expect(screen.getByText(/No points in this range yet/)).toBeInTheDocument();
  });
});
