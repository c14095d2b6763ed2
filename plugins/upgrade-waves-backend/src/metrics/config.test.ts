import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { MetricsSandbox } from '@fleetdeck/sandbox';
import { inspect } from 'node:util';
import { AlertmanagerAlertSource, DatadogAlertSource } from './alerts';
import { createAlertSource, createMetricSource } from './config';
import { DatadogMetricSource, PrometheusMetricSource } from './metrics';
import { testCluster } from '../checks/__testUtils__/clusters';
import { DatadogApiDouble } from './__testUtils__/DatadogApiDouble';

const keys = { apiKey: 'dd-api-key-secret', appKey: 'dd-app-key-secret' };

describe('createAlertSource and createMetricSource', () => {
  let metrics: MetricsSandbox;
  let datadog: DatadogApiDouble;
  const euWest = testCluster('prod-eu-west-1');

  beforeAll(async () => {
    metrics = await MetricsSandbox.start();
    datadog = await DatadogApiDouble.start(keys);
  });

  afterAll(async () => {
    await metrics.stop();
    await datadog.stop();
  });

  it('read Alertmanager and Prometheus by default', async () => {
    const config = new ConfigReader({
      upgradeWaves: {
        alertmanager: { url: metrics.url },
        prometheus: { url: metrics.url },
      },
    });
    metrics.normalTraffic(euWest.name);
    metrics.fireAlert(euWest.name, {
      alertname: 'HighLatency',
      severity: 'warning',
      summary: 'p95 above 500 ms',
    });

    const alerts = createAlertSource(config);
    const traffic = createMetricSource(config);

    expect(alerts).toBeInstanceOf(AlertmanagerAlertSource);
    expect(traffic).toBeInstanceOf(PrometheusMetricSource);
    await expect(alerts.firingAlerts(euWest)).resolves.toEqual([
      expect.objectContaining({ name: 'HighLatency' }),
    ]);
    await expect(traffic.snapshot(euWest)).resolves.toMatchObject({
      requestRate: expect.any(Number),
    });
  });

  it('use the configured queries', async () => {
    metrics.setSeries(euWest.name, 'custom:rps', 64);
    const traffic = createMetricSource(
      new ConfigReader({
        upgradeWaves: {
          prometheus: { url: metrics.url },
          metrics: {
            provider: 'prometheus',
            queries: { requestRate: 'custom:rps{cluster="{cluster}"}' },
          },
        },
      }),
    );

    await expect(traffic.snapshot(euWest)).resolves.toMatchObject({
      requestRate: 64,
    });
  });

  it('read Datadog with its keys, which never show when the source is printed', async () => {
    const config = new ConfigReader({
      upgradeWaves: {
        alerts: { provider: 'datadog' },
        metrics: {
          provider: 'datadog',
          queries: {
            requestRate: 'rps{{tags}}',
            errorRate: 'errors{{tags}}',
            latencyP95Ms: 'p95{{tags}}',
          },
        },
        datadog: { apiUrl: `${datadog.url}/`, ...keys },
      },
    });
    const scope = 'cluster_name:prod-eu-west-1';
    datadog.series.set(`rps{${scope}}`, [{ scope, pointlist: [[1, 100]] }]);
    datadog.series.set(`errors{${scope}}`, [{ scope, pointlist: [[1, 0]] }]);
    datadog.series.set(`p95{${scope}}`, [{ scope, pointlist: [[1, 120]] }]);

    const alerts = createAlertSource(config);
    const traffic = createMetricSource(config);

    expect(alerts).toBeInstanceOf(DatadogAlertSource);
    expect(traffic).toBeInstanceOf(DatadogMetricSource);
    await expect(alerts.firingAlerts(euWest)).resolves.toEqual([]);
    await expect(traffic.snapshot(euWest)).resolves.toMatchObject({
      requestRate: 100,
      latencyP95Ms: 120,
    });
    for (const printed of [
      inspect(alerts, { depth: 5 }),
      inspect(traffic, { depth: 5 }),
      JSON.stringify(alerts),
      JSON.stringify(traffic),
    ]) {
      expect(printed).not.toContain(keys.apiKey);
      expect(printed).not.toContain(keys.appKey);
    }
  });

  it('name the key that is missing or wrong', () => {
    expect(() => createAlertSource(new ConfigReader({}))).toThrow(
      "Missing required config value at 'upgradeWaves.alertmanager.url'",
    );
    expect(() => createMetricSource(new ConfigReader({}))).toThrow(
      "Missing required config value at 'upgradeWaves.prometheus.url'",
    );
    expect(() =>
      createAlertSource(
        new ConfigReader({ upgradeWaves: { alerts: { provider: 'datadog' } } }),
      ),
    ).toThrow("Missing required config value at 'upgradeWaves.datadog.apiKey'");
    const wrong = () =>
      createMetricSource(
        new ConfigReader({
          upgradeWaves: { metrics: { provider: 'newrelic' } },
        }),
      );
    expect(wrong).toThrow(InputError);
    expect(wrong).toThrow(
      "upgradeWaves.metrics.provider must be one of prometheus, datadog; got 'newrelic'",
    );
  });
});
