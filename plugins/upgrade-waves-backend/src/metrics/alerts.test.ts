import { MetricsSandbox } from '@fleetdeck/sandbox';
import {
  AlertmanagerAlertSource,
  AlertsCheckDetail,
  createAlertsCheck,
  DatadogAlertSource,
} from './alerts';
import { checkContext, testCluster } from '../checks/__testUtils__/clusters';
import { DatadogApiDouble } from './__testUtils__/DatadogApiDouble';

describe('alerts from Alertmanager', () => {
  let metrics: MetricsSandbox;
  let source: AlertmanagerAlertSource;
  const euWest = testCluster('prod-eu-west-1');
  const usEast = testCluster('prod-us-east-1');

  beforeEach(async () => {
    metrics = await MetricsSandbox.start();
    source = new AlertmanagerAlertSource({ url: `${metrics.url}/` });
  });

  afterEach(async () => {
    await metrics.stop();
  });

  it('lists the alerts firing on the cluster and none of another cluster', async () => {
    metrics.fireAlert(euWest.name, {
      alertname: 'HighErrorRate',
      severity: 'critical',
      summary: 'Error rate above 5%',
    });

    await expect(source.firingAlerts(euWest)).resolves.toEqual([
      {
        name: 'HighErrorRate',
        severity: 'critical',
        summary: 'Error rate above 5%',
        startsAt: expect.stringMatching(/Z$/),
        labels: {
          alertname: 'HighErrorRate',
          cluster: euWest.name,
          severity: 'critical',
        },
      },
    ]);
    await expect(source.firingAlerts(usEast)).resolves.toEqual([]);
  });

  it('fails the alerts check while an alert fires and passes once it is resolved', async () => {
    const check = createAlertsCheck({ source });
    metrics.fireAlert(euWest.name, {
      alertname: 'IstiodDown',
      severity: 'critical',
      summary: 'istiod has no ready replica',
    });

    const firing = await check.run(checkContext(euWest));
    expect(check.name).toBe('alerts');
    expect(firing.outcome).toBe('failed');
    expect(firing.message).toBe('1 alert firing: IstiodDown (critical)');
    expect((firing.detail as AlertsCheckDetail).alerts).toEqual([
      expect.objectContaining({
        name: 'IstiodDown',
        summary: 'istiod has no ready replica',
      }),
    ]);

    const elsewhere = await check.run(checkContext(usEast));
    expect(elsewhere).toEqual({
      outcome: 'passed',
      message: 'No alerts firing',
      detail: { alerts: [], ignored: [] },
    });

    metrics.resolveAlert(euWest.name, 'IstiodDown');
    await expect(check.run(checkContext(euWest))).resolves.toMatchObject({
      outcome: 'passed',
    });
  });

  it('lets alerts of an ignored severity pass, info and none by default', async () => {
    metrics.fireAlert(euWest.name, {
      alertname: 'CertificateExpiresSoon',
      severity: 'info',
      summary: 'in 20 days',
    });
    metrics.fireAlert(euWest.name, {
      alertname: 'PodRestarts',
      severity: 'warning',
      summary: 'a pod restarted 3 times',
    });

    const byDefault = await createAlertsCheck({ source }).run(
      checkContext(euWest),
    );
    expect(byDefault.outcome).toBe('failed');
    expect(byDefault.message).toBe('1 alert firing: PodRestarts (warning)');
    expect(
      (byDefault.detail as AlertsCheckDetail).ignored.map(a => a.name),
    ).toEqual(['CertificateExpiresSoon']);

    const lenient = await createAlertsCheck({
      source,
      ignoreSeverities: ['INFO', 'Warning'],
    }).run(checkContext(euWest));
    expect(lenient).toMatchObject({
      outcome: 'passed',
      message: 'No alerts firing (2 alerts of an ignored severity)',
    });
  });

  it('names Alertmanager when it cannot be reached', async () => {
    const { url } = metrics;
    await metrics.stop();

    await expect(
      new AlertmanagerAlertSource({ url }).firingAlerts(euWest),
    ).rejects.toThrow(`Alertmanager at ${url} could not be reached`);
  });
});

describe('alerts from Datadog monitors', () => {
  const keys = { apiKey: 'dd-api-key-secret', appKey: 'dd-app-key-secret' };
  let datadog: DatadogApiDouble;
  const euWest = testCluster('prod-eu-west-1');

  beforeEach(async () => {
    datadog = await DatadogApiDouble.start(keys);
    datadog.monitors = [
      {
        id: 101,
        name: 'High 5xx rate on prod-eu-west-1',
        overall_state: 'Alert',
        tags: ['cluster_name:prod-eu-west-1', 'severity:critical', 'team:mesh'],
        message: '\nError rate above 5%\n@slack-platform',
        priority: 1,
        overall_state_modified: '2024-05-01T10:00:00+00:00',
        groups: { 'service:checkout': 'Alert', 'service:cart': 'OK' },
      },
      {
        id: 102,
        name: 'Latency on prod-eu-west-1',
        overall_state: 'OK',
        tags: ['cluster_name:prod-eu-west-1'],
      },
      {
        id: 103,
        name: 'Disk full on prod-us-east-1',
        overall_state: 'Alert',
        tags: ['cluster_name:prod-us-east-1'],
        priority: 2,
      },
    ];
  });

  afterEach(async () => {
    await datadog.stop();
  });

  it('lists the monitors in Alert for the cluster tag, asking with both keys', async () => {
    const source = new DatadogAlertSource({ ...keys, apiUrl: datadog.url });

    await expect(source.firingAlerts(euWest)).resolves.toEqual([
      {
        name: 'High 5xx rate on prod-eu-west-1',
        severity: 'critical',
        summary: 'Error rate above 5%',
        startsAt: '2024-05-01T10:00:00+00:00',
        labels: {
          cluster_name: 'prod-eu-west-1',
          severity: 'critical',
          team: 'mesh',
          monitor_id: '101',
        },
      },
    ]);
    expect(datadog.requests).toHaveLength(1);
    const [request] = datadog.requests;
    expect(request.path).toBe('/api/v1/monitor');
    expect(request.apiKey).toBe(keys.apiKey);
    expect(request.appKey).toBe(keys.appKey);
    expect(request.params.get('monitor_tags')).toBe(
      'cluster_name:prod-eu-west-1',
    );
    expect(request.params.get('group_states')).toBe('alert');
  });

  it("scopes by the cluster's own Datadog tags and takes the priority as severity", async () => {
    const source = new DatadogAlertSource({ ...keys, apiUrl: datadog.url });
    const usEast = testCluster('us-east', {
      datadogTags: ['cluster_name:prod-us-east-1'],
    });

    const alerts = await source.firingAlerts(usEast);

    expect(alerts.map(a => [a.name, a.severity])).toEqual([
      ['Disk full on prod-us-east-1', 'P2'],
    ]);
    expect(datadog.requests[0].params.get('monitor_tags')).toBe(
      'cluster_name:prod-us-east-1',
    );
  });

  it('fails the alerts check while a monitor alerts', async () => {
    const check = createAlertsCheck({
      source: new DatadogAlertSource({ ...keys, apiUrl: datadog.url }),
    });

    await expect(check.run(checkContext(euWest))).resolves.toMatchObject({
      outcome: 'failed',
      message: '1 alert firing: High 5xx rate on prod-eu-west-1 (critical)',
    });
    await expect(
      check.run(checkContext(testCluster('staging-1'))),
    ).resolves.toMatchObject({ outcome: 'passed' });
  });

  it('reports a rejected key without quoting either key', async () => {
    const source = new DatadogAlertSource({
      apiUrl: datadog.url,
      apiKey: 'revoked-api-key',
      appKey: keys.appKey,
    });

    const error: Error = await source.firingAlerts(euWest).then(
      () => {
        throw new Error('expected a rejection');
      },
      e => e,
    );

    expect(error.message).toBe(
      'Datadog answered 403 Forbidden to /api/v1/monitor: Forbidden',
    );
    expect(error.message).not.toContain('revoked-api-key');
    expect(error.message).not.toContain(keys.appKey);
  });
});
