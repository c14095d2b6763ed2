import type {
  MetricSnapshot,
  ValidationThresholds,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { MetricsSandbox, TRAFFIC_METRICS } from '@fleetdeck/sandbox';
import fc from 'fast-check';
import {
  compareWithBaseline,
  createMetricBaselineCheck,
  createMetricComparisonCheck,
  DatadogMetricSource,
  MetricComparisonDetail,
  PrometheusMetricSource,
} from './metrics';
import { checkContext, testCluster } from '../checks/__testUtils__/clusters';
import { DatadogApiDouble } from './__testUtils__/DatadogApiDouble';

const thresholds: ValidationThresholds = {
  maxErrorRateIncrease: 0.01,
  maxLatencyIncreasePercent: 20,
  minRequestRate: 10,
};

function snapshot(overrides: Partial<MetricSnapshot> = {}): MetricSnapshot {
  return {
    requestRate: 100,
    errorRate: 0.002,
    latencyP95Ms: 120,
    at: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('metrics from Prometheus', () => {
  let metrics: MetricsSandbox;
  let source: PrometheusMetricSource;
  const euWest = testCluster('prod-eu-west-1');
  const usEast = testCluster('prod-us-east-1');

  beforeEach(async () => {
    metrics = await MetricsSandbox.start();
    source = new PrometheusMetricSource({ url: metrics.url });
    metrics.normalTraffic(euWest.name);
  });

  afterEach(async () => {
    await metrics.stop();
  });

  it('captures a baseline near normal traffic', async () => {
    const check = createMetricBaselineCheck({ source, thresholds });

    const report = await check.run(checkContext(euWest));

    expect(check.name).toBe('metric-baseline');
    expect(report.outcome).toBe('passed');
    expect(report.message).toMatch(/^baseline captured: \d+\.\d rps, /);
    const baseline = report.baseline!;
    expect(baseline.requestRate).toBeGreaterThan(90);
    expect(baseline.requestRate).toBeLessThan(110);
    expect(baseline.errorRate).toBeGreaterThan(0.001);
    expect(baseline.errorRate).toBeLessThan(0.003);
    expect(baseline.latencyP95Ms).toBeGreaterThan(100);
    expect(baseline.latencyP95Ms).toBeLessThan(140);
    expect(Date.parse(baseline.at)).not.toBeNaN();
    expect(report.detail).toEqual({ baseline });
  });

  it('fails the baseline when there is too little traffic to compare later', async () => {
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.requestRate, 2);
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.errorRate, 0);
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.latencyP95Ms, 40);

    const report = await createMetricBaselineCheck({
      source,
      thresholds,
    }).run(checkContext(usEast));

    expect(report.outcome).toBe('failed');
    expect(report.message).toBe(
      'request rate 2.0 rps is below the minimum of 10.0 rps: a comparison after the upgrade would be meaningless',
    );
    expect(report.baseline).toBeUndefined();
  });

  it('passes the comparison on normal traffic and fails it after a regression, naming the metric', async () => {
    const baseline = await source.snapshot(euWest);
    const check = createMetricComparisonCheck({
      source,
      thresholds,
      baselineFor: id => (id === euWest.clusterId ? baseline : undefined),
    });

    const normal = await check.run(checkContext(euWest));
    expect(check.name).toBe('metric-comparison');
    expect(normal.outcome).toBe('passed');
    expect(normal.message).toMatch(/^Traffic within thresholds: error rate /);

    metrics.regression(euWest.name, { errorRate: 0.08 });
    const errors = await check.run(checkContext(euWest));
    expect(errors.outcome).toBe('failed');
    expect(errors.message).toMatch(
      /^Traffic regressed: error rate rose from 0\.\d\d% to 8\.00% \(\+7\.\d\d percentage points; at most \+1\.00 allowed\)$/,
    );
    expect((errors.detail as MetricComparisonDetail).breached).toEqual([
      'errorRate',
    ]);

    metrics.regression(euWest.name, { errorRate: 0.002, latencyP95Ms: 900 });
    const latency = await check.run(checkContext(euWest));
    expect(latency.outcome).toBe('failed');
    expect(latency.message).toMatch(
      /^Traffic regressed: p95 latency rose from \d+ ms to 900 ms \(\+\d+\.\d%; at most \+20% allowed\)$/,
    );
  });

  it('fails the comparison of a cluster that has no baseline', async () => {
    const check = createMetricComparisonCheck({
      source,
      thresholds,
      baselineFor: async () => undefined,
    });

    await expect(check.run(checkContext(euWest))).resolves.toEqual({
      outcome: 'failed',
      message:
        'no metric baseline was captured for this cluster before the upgrade',
    });
  });

  it('says which metric has no series', async () => {
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.requestRate, 50);
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.latencyP95Ms, 50);

    await expect(source.snapshot(usEast)).rejects.toThrow(
      'Prometheus has no series for the error rate of cluster prod-us-east-1 (query: fleetdeck:error_rate{cluster="prod-us-east-1"})',
    );
  });

  it('sums the series of a query that answers several', async () => {
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.requestRate, 30, {
      destination_service: 'checkout',
    });
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.requestRate, 12, {
      destination_service: 'cart',
    });
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.errorRate, 0.01);
    metrics.setSeries(usEast.name, TRAFFIC_METRICS.latencyP95Ms, 80);

    await expect(source.snapshot(usEast)).resolves.toMatchObject({
      requestRate: 42,
      errorRate: 0.01,
      latencyP95Ms: 80,
    });
  });

  it("uses configured queries, and a cluster's own before them, with {cluster} filled in", async () => {
    metrics.setSeries(euWest.name, 'mesh:rps', 7);
    metrics.setSeries(euWest.name, 'mesh:p95', 333);
    metrics.setSeries(euWest.name, 'team:errors', 0.5);
    const configured = new PrometheusMetricSource({
      url: metrics.url,
      queries: {
        requestRate: 'sum(mesh:rps{cluster="{cluster}"})',
        latencyP95Ms: 'mesh:p95{cluster="{cluster}"}',
      },
    });
    const own = testCluster(euWest.name, {
      metrics: { errorRate: 'team:errors{cluster="{cluster}"}' },
    });

    await expect(configured.snapshot(own)).resolves.toMatchObject({
      requestRate: 7,
      errorRate: 0.5,
      latencyP95Ms: 333,
    });
  });

  it('passes on the error Prometheus answers', async () => {
    const broken = new PrometheusMetricSource({
      url: metrics.url,
      queries: { requestRate: '' },
    });

    await expect(broken.snapshot(euWest)).rejects.toThrow(
      'Prometheus answered 400 Bad Request to /api/v1/query: invalid parameter "query": 1:1: parse error: no expression found in input',
    );
  });
});

describe('compareWithBaseline', () => {
  it('holds the baseline, the traffic now, the deltas and the thresholds', () => {
    const report = compareWithBaseline(
      snapshot(),
      snapshot({ requestRate: 95, errorRate: 0.003, latencyP95Ms: 132 }),
      thresholds,
    );

    expect(report.outcome).toBe('passed');
    expect(report.message).toBe(
      'Traffic within thresholds: error rate 0.30% (+0.10 points), p95 132 ms (+10.0%), 95.0 rps',
    );
    const detail = report.detail as MetricComparisonDetail;
    expect(detail.baseline).toEqual(snapshot());
    expect(detail.now.latencyP95Ms).toBe(132);
    expect(detail.thresholds).toEqual(thresholds);
    expect(detail.breached).toEqual([]);
    expect(detail.deltas.errorRate).toBeCloseTo(0.001);
    expect(detail.deltas.latencyP95Ms).toBe(12);
    expect(detail.deltas.latencyP95Percent).toBeCloseTo(10);
    expect(detail.deltas.requestRate).toBe(-5);
  });

  it('names every metric that broke its threshold', () => {
    const report = compareWithBaseline(
      snapshot(),
      snapshot({ requestRate: 4, errorRate: 0.05, latencyP95Ms: 240 }),
      thresholds,
    );

    expect(report.outcome).toBe('failed');
    expect(report.message).toBe(
      'Traffic regressed: error rate rose from 0.20% to 5.00% (+4.80 percentage points; at most +1.00 allowed); ' +
        'p95 latency rose from 120 ms to 240 ms (+100.0%; at most +20% allowed); ' +
        'request rate 4.0 rps is below the minimum of 10.0 rps, too little traffic to compare',
    );
    expect((report.detail as MetricComparisonDetail).breached).toEqual([
      'errorRate',
      'latencyP95Ms',
      'requestRate',
    ]);
  });

  it('fails a latency against a baseline p95 of 0', () => {
    const report = compareWithBaseline(
      snapshot({ latencyP95Ms: 0 }),
      snapshot({ latencyP95Ms: 50 }),
      thresholds,
    );

    expect(report.outcome).toBe('failed');
    expect(report.message).toContain('p95 latency rose from 0 ms to 50 ms');
    expect(
      (report.detail as MetricComparisonDetail).deltas.latencyP95Percent,
    ).toBeNull();
  });

  it('fails exactly when a threshold is exceeded', () => {
    fc.assert(
      fc.property(
        fc.record({
          baseError: fc.double({ min: 0, max: 0.5, noNaN: true }),
          errorDelta: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
          baseP95: fc.double({ min: 1, max: 2000, noNaN: true }),
          p95Factor: fc.double({ min: 0.5, max: 2, noNaN: true }),
          rate: fc.double({ min: 0, max: 500, noNaN: true }),
        }),
        ({ baseError, errorDelta, baseP95, p95Factor, rate }) => {
          const baseline = snapshot({
            errorRate: baseError,
            latencyP95Ms: baseP95,
          });
          const now = snapshot({
            errorRate: baseError + errorDelta,
            latencyP95Ms: baseP95 * p95Factor,
            requestRate: rate,
          });
          const report = compareWithBaseline(baseline, now, thresholds);
          const detail = report.detail as MetricComparisonDetail;

          const expected = [
            now.errorRate - baseline.errorRate >
              thresholds.maxErrorRateIncrease && 'errorRate',
            ((now.latencyP95Ms - baseP95) / baseP95) * 100 >
              thresholds.maxLatencyIncreasePercent && 'latencyP95Ms',
            rate < thresholds.minRequestRate && 'requestRate',
          ].filter(Boolean);
          expect(detail.breached).toEqual(expected);
          expect(report.outcome).toBe(
            expected.length > 0 ? 'failed' : 'passed',
          );
        },
      ),
    );
  });
});

describe('metrics from Datadog', () => {
  const keys = { apiKey: 'dd-api-key-secret', appKey: 'dd-app-key-secret' };
  let datadog: DatadogApiDouble;
  const euWest = testCluster('prod-eu-west-1');
  const queries = {
    requestRate: 'sum:istio.requests{cluster_name:{cluster}}.as_rate()',
    errorRate: 'sum:istio.errors{{tags}}',
    latencyP95Ms: 'p95:istio.latency{{tags}}',
  };

  beforeEach(async () => {
    datadog = await DatadogApiDouble.start(keys);
  });

  afterEach(async () => {
    await datadog.stop();
  });

  it('takes the last point of each series and sums them, asking with both keys', async () => {
    const t = 1_704_067_200_000;
    datadog.series.set(
      'sum:istio.requests{cluster_name:prod-eu-west-1}.as_rate()',
      [
        {
          scope: 'cluster_name:prod-eu-west-1,service:checkout',
          pointlist: [
            [t, 50],
            [t + 20_000, 61],
          ],
        },
        {
          scope: 'cluster_name:prod-eu-west-1,service:cart',
          // Datadog leaves a gap as null: the last point with a value counts.
          pointlist: [
            [t, 39],
            [t + 20_000, null],
          ],
        },
      ],
    );
    datadog.series.set('sum:istio.errors{cluster_name:prod-eu-west-1}', [
      { scope: 'cluster_name:prod-eu-west-1', pointlist: [[t, 0.004]] },
    ]);
    datadog.series.set('p95:istio.latency{cluster_name:prod-eu-west-1}', [
      { scope: 'cluster_name:prod-eu-west-1', pointlist: [[t, 118]] },
    ]);
    const source = new DatadogMetricSource({
      ...keys,
      apiUrl: datadog.url,
      queries,
      windowSeconds: 600,
    });

    await expect(source.snapshot(euWest)).resolves.toMatchObject({
      requestRate: 100,
      errorRate: 0.004,
      latencyP95Ms: 118,
    });
    expect(datadog.requests).toHaveLength(3);
    for (const request of datadog.requests) {
      expect(request.path).toBe('/api/v1/query');
      expect(request.apiKey).toBe(keys.apiKey);
      expect(request.appKey).toBe(keys.appKey);
      expect(
        Number(request.params.get('to')) - Number(request.params.get('from')),
      ).toBe(600);
    }
  });

  it("fills {tags} with the cluster's Datadog tags", async () => {
    const tagged = testCluster('eu-1', {
      datadogTags: ['kube_cluster_name:eu-1', 'env:prod'],
    });
    const source = new DatadogMetricSource({
      ...keys,
      apiUrl: datadog.url,
      queries: { ...queries, requestRate: 'sum:istio.requests{{tags}}' },
    });
    const scope = 'kube_cluster_name:eu-1,env:prod';
    datadog.series.set(`sum:istio.requests{${scope}}`, [
      { scope, pointlist: [[1, 80]] },
    ]);
    datadog.series.set(`sum:istio.errors{${scope}}`, [
      { scope, pointlist: [[1, 0.001]] },
    ]);
    datadog.series.set(`p95:istio.latency{${scope}}`, [
      { scope, pointlist: [[1, 99]] },
    ]);

    await expect(source.snapshot(tagged)).resolves.toMatchObject({
      requestRate: 80,
      errorRate: 0.001,
      latencyP95Ms: 99,
    });
  });

  it('says which metric has no points', async () => {
    const source = new DatadogMetricSource({
      ...keys,
      apiUrl: datadog.url,
      queries,
    });
    datadog.series.set(
      'sum:istio.requests{cluster_name:prod-eu-west-1}.as_rate()',
      [{ scope: 'cluster_name:prod-eu-west-1', pointlist: [[1, 80]] }],
    );
    datadog.series.set('sum:istio.errors{cluster_name:prod-eu-west-1}', [
      { scope: 'cluster_name:prod-eu-west-1', pointlist: [[1, 0]] },
    ]);
    datadog.series.set('p95:istio.latency{cluster_name:prod-eu-west-1}', [
      { scope: 'cluster_name:prod-eu-west-1', pointlist: [[1, null]] },
    ]);

    await expect(source.snapshot(euWest)).rejects.toThrow(
      'Datadog has no points in the last 300s for the p95 latency of cluster prod-eu-west-1 (query: p95:istio.latency{cluster_name:prod-eu-west-1})',
    );
  });
});
