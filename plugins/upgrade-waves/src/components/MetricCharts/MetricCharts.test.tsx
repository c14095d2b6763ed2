import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { wave, waveDetail } from '../../__testUtils__/fixtures';
import { MetricCharts, metricThresholds } from './MetricCharts';

const { thresholds } = wave();

const cells = (table: string, metric: string) =>
  within(
    within(screen.getByRole('table', { name: table }))
      .getByText(metric)
      .closest('tr')!,
  )
    .getAllByRole('cell')
    .map(cell => cell.textContent)
    .filter(text => text !== metric);

describe('MetricCharts', () => {
  it('computes the limits from the baseline and the thresholds', () => {
    const limits = metricThresholds(
      { requestRate: 52, errorRate: 0.002, latencyP95Ms: 120, at: '' },
      thresholds,
    );
    expect(limits.errorRate).toBeCloseTo(0.012);
    expect(limits.latencyP95Ms).toBeCloseTo(144);
    expect(limits.minRequestRate).toBe(1);
  });

  it('draws baseline against now per cluster with the limit as a line, and lists the numbers', async () => {
    const { clusters } = waveDetail();
    const { container } = await renderInTestApp(
      <MetricCharts
        clusters={[
          clusters[0],
          {
            ...clusters[1],
            latest: {
              ...clusters[1].latest!,
              errorRate: 0.02,
              latencyP95Ms: 200,
              requestRate: 0.5,
            },
          },
        ]}
        thresholds={thresholds}
      />,
    );

    // two charts per cluster, each with its bars and one limit line
    expect(container.querySelectorAll('.recharts-bar')).toHaveLength(4);
    expect(container.querySelectorAll('.recharts-reference-line')).toHaveLength(
      4,
    );
    expect(container).toHaveTextContent('limit 1.20 %');
    expect(container).toHaveTextContent('limit 144 ms');

    expect(cells('Traffic of test-1', 'Error rate')).toEqual([
      '0.20 %',
      '0.30 %',
      'at most 1.20 %',
      'within',
    ]);
    expect(cells('Traffic of test-1', 'p95 latency')).toEqual([
      '120 ms',
      '130 ms',
      'at most 144 ms',
      'within',
    ]);
    expect(cells('Traffic of test-1', 'Request rate')).toEqual([
      '52 rps',
      '52 rps',
      'at least 1.0 rps',
      'within',
    ]);
    expect(cells('Traffic of test-2', 'Error rate')).toEqual([
      '0.20 %',
      '2.00 %',
      'at most 1.20 %',
      'outside',
    ]);
    expect(cells('Traffic of test-2', 'p95 latency')[3]).toBe('outside');
    expect(cells('Traffic of test-2', 'Request rate')[3]).toBe('outside');
  });

  it('shows the baseline alone until the cluster is measured again', async () => {
    const [cluster] = waveDetail().clusters;
    const { container } = await renderInTestApp(
      <MetricCharts
        clusters={[{ ...cluster, latest: undefined }]}
        thresholds={thresholds}
      />,
    );
    expect(cells('Traffic of test-1', 'Error rate')).toEqual([
      '0.20 %',
      '—',
      'at most 1.20 %',
      '—',
    ]);
    expect(container.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(
      2,
    );
  });

  it('says when a cluster has no baseline yet', async () => {
    const [cluster] = waveDetail().clusters;
    await renderInTestApp(
      <MetricCharts
        clusters={[{ ...cluster, baseline: undefined, latest: undefined }]}
        thresholds={thresholds}
      />,
    );
    expect(screen.getByText(/No baseline yet/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
