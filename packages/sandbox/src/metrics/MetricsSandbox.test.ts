import request from 'supertest';
import { eventually } from '../testing/eventually';
import { fingerprint } from './AlertStore';
import { MetricsSandbox, TRAFFIC_METRICS } from './MetricsSandbox';

describe('MetricsSandbox', () => {
  let metrics: MetricsSandbox;

  beforeEach(async () => {
    metrics = await MetricsSandbox.start();
  });

  afterEach(async () => {
    await metrics.stop();
  });

  const api = () => request(metrics.url);
  const T = 1_700_000_000; // unix seconds

  describe('Prometheus /api/v1/query', () => {
    beforeEach(() => {
      // Scripted as a function of time: the value is the evaluation time in seconds / 1000.
      metrics.setSeries(
        'eu-1',
        'fleetdeck:request_rate',
        tMs => tMs / 1_000_000,
      );
      metrics.setSeries('us-1', 'fleetdeck:request_rate', 42, {
        destination_service: 'checkout',
      });
    });

    it('answers an instant vector for the selected cluster, in Prometheus JSON', async () => {
      const response = await api()
        .get('/api/v1/query')
        .query({
          query: 'sum(rate(fleetdeck:request_rate{cluster="eu-1"}[5m]))',
          time: `${T}.5`,
        })
        .expect(200)
        .expect('content-type', /application\/json/);
      expect(response.body).toEqual({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            {
              metric: { __name__: 'fleetdeck:request_rate', cluster: 'eu-1' },
              value: [T + 0.5, '1700000.0005'],
            },
          ],
        },
      });
    });

    it('reads form parameters from a POST body and matches every label matcher', async () => {
      const response = await api()
        .post('/api/v1/query')
        .type('form')
        .send({
          query:
            'fleetdeck:request_rate{cluster=~"us-.*", destination_service!="cart"}',
          time: '2023-11-14T22:13:20Z',
        })
        .expect(200);
      expect(response.body.data.result).toEqual([
        {
          metric: {
            __name__: 'fleetdeck:request_rate',
            cluster: 'us-1',
            destination_service: 'checkout',
          },
          value: [T, '42'],
        },
      ]);
    });

    it('answers every cluster without a cluster matcher, and nothing for an unknown metric', async () => {
      const all = await api()
        .get('/api/v1/query')
        .query({ query: 'fleetdeck:request_rate', time: T });
      expect(all.body.data.result.map((r: any) => r.metric.cluster)).toEqual([
        'eu-1',
        'us-1',
      ]);

      const unknown = await api()
        .get('/api/v1/query')
        .query({ query: 'istio_requests_total{cluster="eu-1"}' })
        .expect(200);
      expect(unknown.body).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [] },
      });
    });

    it.each([
      [
        {},
        'invalid parameter "query": 1:1: parse error: no expression found in input',
      ],
      [
        { query: 'up', time: 'yesterday' },
        'invalid parameter "time": cannot parse "yesterday" to a valid timestamp',
      ],
    ])('rejects bad parameters %j with 400 bad_data', async (params, error) => {
      const response = await api()
        .get('/api/v1/query')
        .query(params)
        .expect(400);
      expect(response.body).toEqual({
        status: 'error',
        errorType: 'bad_data',
        error,
      });
    });
  });

  describe('Prometheus /api/v1/query_range', () => {
    it('answers a matrix with one point per step from start to end', async () => {
      metrics.setSeries(
        'eu-1',
        'fleetdeck:latency_p95_ms',
        tMs => (tMs / 1000 - T) * 2,
      );
      const response = await api()
        .get('/api/v1/query_range')
        .query({
          query:
            'histogram_quantile(0.95, fleetdeck:latency_p95_ms{cluster="eu-1"})',
          start: T,
          end: T + 60,
          step: '30s',
        })
        .expect(200);
      expect(response.body).toEqual({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: 'fleetdeck:latency_p95_ms', cluster: 'eu-1' },
              values: [
                [T, '0'],
                [T + 30, '60'],
                [T + 60, '120'],
              ],
            },
          ],
        },
      });
    });

    it.each([
      [
        { query: 'up', end: T, step: 15 },
        'invalid parameter "start": cannot parse "" to a valid timestamp',
      ],
      [
        { query: 'up', start: T, end: T - 1, step: 15 },
        'invalid parameter "end": end timestamp must not be before start time',
      ],
      [
        { query: 'up', start: T, end: T + 60, step: 'often' },
        'invalid parameter "step": cannot parse "often" to a valid duration',
      ],
      [
        { query: 'up', start: T, end: T + 60, step: 0 },
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      ],
      [
        { query: 'up', start: T, end: T + 11001, step: 1 },
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      ],
      [
        { start: T, end: T + 60, step: 15 },
        'invalid parameter "query": 1:1: parse error: no expression found in input',
      ],
    ])('rejects %j with 400 bad_data', async (params, error) => {
      const response = await api()
        .get('/api/v1/query_range')
        .query(params)
        .expect(400);
      expect(response.body).toEqual({
        status: 'error',
        errorType: 'bad_data',
        error,
      });
    });

    it('accepts exactly 11,000 steps', async () => {
      metrics.setSeries('eu-1', 'up', 1);
      const response = await api()
        .get('/api/v1/query_range')
        .query({ query: 'up', start: T, end: T + 11000, step: 1 })
        .expect(200);
      expect(response.body.data.result[0].values).toHaveLength(11001);
    });
  });

  describe('scenarios', () => {
    const valueNow = async (metric: string, cluster: string) => {
      const response = await api()
        .get('/api/v1/query')
        .query({ query: `${metric}{cluster="${cluster}"}` })
        .expect(200);
      return Number(response.body.data.result[0].value[1]);
    };

    it('normal traffic is ~100 rps, ~0.2 % errors and ~120 ms p95', async () => {
      metrics.normalTraffic('eu-1');
      expect(
        await valueNow(TRAFFIC_METRICS.requestRate, 'eu-1'),
      ).toBeGreaterThan(90);
      expect(await valueNow(TRAFFIC_METRICS.requestRate, 'eu-1')).toBeLessThan(
        110,
      );
      expect(await valueNow(TRAFFIC_METRICS.errorRate, 'eu-1')).toBeGreaterThan(
        0.001,
      );
      expect(await valueNow(TRAFFIC_METRICS.errorRate, 'eu-1')).toBeLessThan(
        0.003,
      );
      expect(
        await valueNow(TRAFFIC_METRICS.latencyP95Ms, 'eu-1'),
      ).toBeGreaterThan(100);
      expect(await valueNow(TRAFFIC_METRICS.latencyP95Ms, 'eu-1')).toBeLessThan(
        140,
      );
    });

    it('a regression changes the answers from now on and keeps the history before it', async () => {
      metrics.normalTraffic('eu-1');
      metrics.normalTraffic('us-1');
      const before = Date.now() - 60_000;
      metrics.regression('eu-1', { errorRate: 0.08, latencyP95Ms: 900 });

      expect(await valueNow(TRAFFIC_METRICS.errorRate, 'eu-1')).toBe(0.08);
      expect(await valueNow(TRAFFIC_METRICS.latencyP95Ms, 'eu-1')).toBe(900);
      expect(await valueNow(TRAFFIC_METRICS.latencyP95Ms, 'us-1')).toBeLessThan(
        140,
      );
      expect(
        await valueNow(TRAFFIC_METRICS.requestRate, 'eu-1'),
      ).toBeGreaterThan(90);

      const range = await api()
        .get('/api/v1/query_range')
        .query({
          query: `${TRAFFIC_METRICS.errorRate}{cluster="eu-1"}`,
          start: before / 1000,
          end: (Date.now() + 60_000) / 1000,
          step: '60s',
        })
        .expect(200);
      const values = range.body.data.result[0].values.map(
        ([, v]: [number, string]) => Number(v),
      );
      expect(values[0]).toBeLessThan(0.003);
      expect(values[values.length - 1]).toBe(0.08);
    });
  });

  describe('Alertmanager /api/v2/alerts', () => {
    it('lists a fired alert in the v2 shape, filtered by cluster, until it is resolved', async () => {
      metrics.fireAlert('eu-1', {
        alertname: 'HighErrorRate',
        severity: 'critical',
        summary: 'Error rate above 5% on eu-1',
      });
      metrics.fireAlert('us-1', {
        alertname: 'HighLatency',
        severity: 'warning',
        summary: 'p95 above 500 ms',
      });

      const labels = {
        alertname: 'HighErrorRate',
        cluster: 'eu-1',
        severity: 'critical',
      };
      const firing = await api()
        .get('/api/v2/alerts')
        .query({ filter: 'cluster="eu-1"' })
        .expect(200);
      expect(firing.body).toEqual([
        {
          annotations: { summary: 'Error rate above 5% on eu-1' },
          endsAt: expect.stringMatching(
            /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
          ),
          fingerprint: fingerprint(labels),
          receivers: [{ name: 'default' }],
          startsAt: expect.stringMatching(/Z$/),
          status: { inhibitedBy: [], silencedBy: [], state: 'active' },
          updatedAt: expect.stringMatching(/Z$/),
          generatorURL: expect.stringContaining(
            `${metrics.url}/graph?g0.expr=`,
          ),
          labels,
        },
      ]);
      expect(Date.parse(firing.body[0].endsAt)).toBeGreaterThan(Date.now());

      const all = await api().get('/api/v2/alerts').expect(200);
      expect(all.body.map((a: any) => a.labels.alertname).sort()).toEqual([
        'HighErrorRate',
        'HighLatency',
      ]);
      await api()
        .get('/api/v2/alerts')
        .query({ active: 'false' })
        .expect(200, []);
      const severe = await api()
        .get('/api/v2/alerts')
        .query({
          filter: ['severity=~"crit.*"', 'alertname!=Other'],
          silenced: 'false',
          inhibited: 'false',
        });
      expect(severe.body.map((a: any) => a.labels.cluster)).toEqual(['eu-1']);

      const alertsSeries = await api()
        .get('/api/v1/query')
        .query({ query: 'ALERTS{cluster="eu-1"}' });
      expect(alertsSeries.body.data.result).toEqual([
        {
          metric: { ...labels, __name__: 'ALERTS', alertstate: 'firing' },
          value: [expect.any(Number), '1'],
        },
      ]);

      metrics.resolveAlert('eu-1', 'HighErrorRate');
      await api()
        .get('/api/v2/alerts')
        .query({ filter: 'cluster="eu-1"' })
        .expect(200, []);
      const remaining = await api().get('/api/v2/alerts').expect(200);
      expect(remaining.body.map((a: any) => a.labels.alertname)).toEqual([
        'HighLatency',
      ]);
      const resolvedSeries = await api()
        .get('/api/v1/query')
        .query({ query: 'ALERTS{cluster="eu-1"}' });
      expect(resolvedSeries.body.data.result).toEqual([]);
    });

    it('takes alerts posted the way Prometheus sends them', async () => {
      await api()
        .post('/api/v2/alerts')
        .send([
          {
            labels: { alertname: 'IstiodDown', cluster: 'eu-2' },
            annotations: { summary: 'istiod is down' },
          },
        ])
        .expect(200);
      const listed = await api()
        .get('/api/v2/alerts')
        .query({ filter: 'cluster="eu-2"' })
        .expect(200);
      expect(listed.body).toHaveLength(1);
      expect(listed.body[0].labels).toEqual({
        alertname: 'IstiodDown',
        cluster: 'eu-2',
      });

      const invalid = await api()
        .post('/api/v2/alerts')
        .send([{ labels: {} }])
        .expect(400);
      expect(invalid.body).toBe('at least one label pair required');
    });

    it('rejects a malformed filter or flag with 400', async () => {
      const filter = await api()
        .get('/api/v2/alerts')
        .query({ filter: 'cluster' })
        .expect(400);
      expect(filter.body).toBe('bad matcher format: cluster');
      const flag = await api()
        .get('/api/v2/alerts')
        .query({ active: 'maybe' })
        .expect(400);
      expect(flag.body).toEqual({
        code: 602,
        message: 'active in query must be of type boolean: "maybe"',
      });
    });

    it('fingerprints labels like Alertmanager', () => {
      // Values from prometheus/common's model tests.
      expect(fingerprint({})).toBe('cbf29ce484222325');
      expect(
        fingerprint({ name: 'garland, briggs', fear: 'love is not enough' }),
      ).toBe('507a62d79ee76c9a');
    });
  });

  describe('unknown routes', () => {
    it('answers 404 page not found as Prometheus does', async () => {
      const response = await api().get('/api/v1/labels').expect(404);
      expect(response.text).toBe('404 page not found\n');
      expect(response.headers['content-type']).toBe(
        'text/plain; charset=utf-8',
      );
    });

    it('answers go-swagger JSON under the Alertmanager API', async () => {
      const response = await api().get('/api/v2/silences').expect(404);
      expect(response.body).toEqual({
        code: 404,
        message: 'path /api/v2/silences was not found',
      });
    });

    it('answers 405 for a method a route does not take', async () => {
      const response = await api().delete('/api/v1/query').expect(405);
      expect(response.text).toBe('Method Not Allowed\n');
    });
  });

  it('counts the requests it receives on every route', async () => {
    expect(metrics.requestCount).toBe(0);
    await api().get('/api/v2/alerts').expect(200);
    await api().get('/api/v1/query').query({ query: 'up' });
    await api().get('/nowhere').expect(404);
    expect(metrics.requestCount).toBe(3);
  });

  it('holds answers back for the configured latency, and drops a held one on stop', async () => {
    metrics.setLatency(60_000);
    const held = fetch(`${metrics.url}/api/v2/alerts`);
    await eventually('the request to arrive', () => metrics.requestCount === 1);
    await metrics.stop();
    // Without the latency it would have been answered by now; stopping closes it unanswered.
    await expect(held).rejects.toThrow();
    metrics = await MetricsSandbox.start({ latencyMs: 1 });
    await request(metrics.url).get('/api/v2/alerts').expect(200, []);
  });

  it('stops listening on stop', async () => {
    const url = metrics.url;
    await metrics.stop();
    await expect(request(url).get('/api/v1/query')).rejects.toThrow(
      /ECONNREFUSED/,
    );
    metrics = await MetricsSandbox.start();
  });
});
