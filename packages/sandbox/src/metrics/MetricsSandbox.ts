import { listenOnLoopback } from '../net';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlertStore } from './AlertStore';
import {
  ApiResponse,
  instantQuery,
  rangeQuery,
  SeriesSource,
} from './prometheusApi';
import { Labels } from './selectors';
import { SampleFunction, SeriesStore } from './SeriesStore';

/**
 * The traffic metrics the scenario helpers script, named like recording rules
 * so a query for them answers the value directly (this sandbox does not
 * compute rates or quantiles from raw Istio counters).
 */
export const TRAFFIC_METRICS = {
  /** Requests per second (`sum(rate(istio_requests_total[1m]))`). */
  requestRate: 'fleetdeck:request_rate',
  /** Fraction of 5xx responses, 0–1. */
  errorRate: 'fleetdeck:error_rate',
  /** 95th percentile request duration in milliseconds. */
  latencyP95Ms: 'fleetdeck:latency_p95_ms',
} as const;

export interface MetricsSandboxOptions {
  /** Port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Added before every answer; 0 when absent. */
  latencyMs?: number;
}

export interface AlertSpec {
  alertname: string;
  severity: string;
  summary: string;
  description?: string;
  /** Further labels, beside `alertname`, `cluster` and `severity`. */
  labels?: Labels;
}

/** Small slow waves, so charts of normal traffic look alive but stay near their level. */
const wave =
  (level: number, amplitude: number, periodMs: number) => (tMs: number) =>
    level + amplitude * Math.sin((2 * Math.PI * tMs) / periodMs);

const MAX_BODY_BYTES = 1024 * 1024;

/** Paths served, with their methods. */
const ROUTES: Record<string, string[]> = {
  '/api/v1/query': ['GET', 'POST'],
  '/api/v1/query_range': ['GET', 'POST'],
  '/api/v2/alerts': ['GET', 'POST'],
};

/**
 * A Prometheus query API and an Alertmanager v2 alerts API with scripted
 * values, on one loopback port: Prometheus under `${url}/api/v1/…`,
 * Alertmanager under `${url}/api/v2/alerts` (their paths do not overlap, so
 * point both clients at `url`).
 */
export class MetricsSandbox {
  /** `http://127.0.0.1:<port>`: the Prometheus and the Alertmanager base URL. */
  readonly url: string;
  readonly port: number;

  private readonly series = new SeriesStore();
  private readonly alerts = new AlertStore();
  private readonly server: http.Server;
  private latencyMs: number;
  private requests = 0;
  // Ends the latency waits of requests still in flight when the sandbox stops.
  private readonly stopping = new AbortController();

  static async start(
    options: MetricsSandboxOptions = {},
  ): Promise<MetricsSandbox> {
    const server = http.createServer();
    await listenOnLoopback(server, options.port);
    return new MetricsSandbox(server, options.latencyMs ?? 0);
  }

  private constructor(server: http.Server, latencyMs: number) {
    this.server = server;
    this.latencyMs = latencyMs;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    server.on('request', (req, res) => {
      this.requests += 1;
      this.handle(req, res);
    });
  }

  /** Delay added before every answer from now on (0: none). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Requests received since start, on every route (benchmarks count calls with it). */
  get requestCount(): number {
    return this.requests;
  }

  /**
   * Scripts the series `metric{cluster="…", …labels}`: a constant, or a
   * function of the evaluation time in ms. Replaces the series' whole history.
   */
  setSeries(
    cluster: string,
    metric: string,
    value: number | ((tMs: number) => number),
    labels: Labels = {},
  ): void {
    const sample: SampleFunction =
      typeof value === 'number' ? () => value : value;
    this.series.set({ ...labels, __name__: metric, cluster }, sample);
  }

  /** Healthy traffic: ~100 rps, ~0.2 % errors, p95 ~120 ms. */
  normalTraffic(cluster: string): void {
    this.changeFromNow(
      cluster,
      TRAFFIC_METRICS.requestRate,
      wave(100, 5, 10 * 60_000),
    );
    this.changeFromNow(
      cluster,
      TRAFFIC_METRICS.errorRate,
      wave(0.002, 0.0005, 7 * 60_000),
    );
    this.changeFromNow(
      cluster,
      TRAFFIC_METRICS.latencyP95Ms,
      wave(120, 8, 13 * 60_000),
    );
  }

  /** A bad rollout from now on: the given error rate (0–1) and/or p95 latency; earlier samples keep their values. */
  regression(
    cluster: string,
    change: { errorRate?: number; latencyP95Ms?: number },
  ): void {
    const { errorRate, latencyP95Ms } = change;
    if (errorRate !== undefined) {
      this.changeFromNow(cluster, TRAFFIC_METRICS.errorRate, () => errorRate);
    }
    if (latencyP95Ms !== undefined) {
      this.changeFromNow(
        cluster,
        TRAFFIC_METRICS.latencyP95Ms,
        () => latencyP95Ms,
      );
    }
  }

  /** An alert that stays firing (and in Prometheus' `ALERTS` series) until `resolveAlert`. */
  fireAlert(cluster: string, alert: AlertSpec): void {
    const labels: Labels = {
      ...alert.labels,
      alertname: alert.alertname,
      cluster,
      severity: alert.severity,
    };
    const annotations: Labels = { summary: alert.summary };
    if (alert.description !== undefined)
      annotations.description = alert.description;
    const expr = `ALERTS{alertname="${alert.alertname}",cluster="${cluster}"}`;
    this.alerts.fire(
      labels,
      annotations,
      `${this.url}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`,
    );
  }

  /** Resolves the cluster's firing alerts of that name; nothing happens when none fires. */
  resolveAlert(cluster: string, alertname: string): void {
    this.alerts.resolve({ cluster, alertname });
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.stopping.abort();
    await new Promise<void>((resolve, reject) => {
      this.server.close(error => (error ? reject(error) : resolve()));
      // Keep-alive clients would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }

  /** Keeps the samples before now and answers `sample` from now on. */
  private changeFromNow(
    cluster: string,
    metric: string,
    sample: (tMs: number) => number,
  ) {
    const labels = { __name__: metric, cluster };
    const before = this.series.get(labels)?.sample;
    const since = Date.now();
    this.series.set(
      labels,
      before ? t => (t < since ? before(t) : sample(t)) : sample,
    );
  }

  private readonly source: SeriesSource = {
    isKnownMetric: name => name === 'ALERTS' || this.series.hasMetric(name),
    select: ({ metric, matchers }) => {
      if (metric !== 'ALERTS') return this.series.select(metric!, matchers);
      // Prometheus' synthetic series of firing alerts, 1 while firing.
      const alerts = new SeriesStore();
      for (const {
        labels,
        startsAt,
        endsAt,
      } of this.alerts.firingIntervals()) {
        alerts.set({ ...labels, __name__: 'ALERTS', alertstate: 'firing' }, t =>
          startsAt <= t && (endsAt === undefined || t < endsAt) ? 1 : undefined,
        );
      }
      return alerts.select('ALERTS', matchers);
    },
  };

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (this.latencyMs > 0) {
      try {
        await sleep(this.latencyMs, undefined, {
          signal: this.stopping.signal,
        });
      } catch {
        // Stopped while waiting: the connection is closed, nobody reads an answer.
        return;
      }
    }
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const allowed = ROUTES[url.pathname];
    if (!allowed) {
      notFound(url.pathname, res);
      return;
    }
    if (!allowed.includes(method)) {
      methodNotAllowed(url.pathname, method, allowed, res);
      return;
    }
    let body = '';
    try {
      body = method === 'POST' ? await readBody(req) : '';
    } catch (error) {
      send(res, {
        status: 400,
        body: {
          status: 'error',
          errorType: 'bad_data',
          error: (error as Error).message,
        },
      });
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    send(
      res,
      this.dispatch(url.pathname, method, url.searchParams, body, contentType),
    );
  }

  private dispatch(
    pathname: string,
    method: string,
    query: URLSearchParams,
    body: string,
    contentType: string,
  ): ApiResponse {
    switch (pathname) {
      case '/api/v1/query':
        return instantQuery(
          this.source,
          formParams(query, body, contentType),
          Date.now(),
        );
      case '/api/v1/query_range':
        return rangeQuery(this.source, formParams(query, body, contentType));
      default:
        return method === 'GET'
          ? this.alerts.list(query)
          : this.postAlerts(body);
    }
  }

  private postAlerts(body: string): ApiResponse {
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (error) {
      return {
        status: 400,
        body: {
          code: 400,
          message: `parsing alerts body failed: ${(error as Error).message}`,
        },
      };
    }
    return this.alerts.post(payload);
  }
}

/** Unknown paths: Go's `404 page not found`, or go-swagger's JSON under Alertmanager's API. */
function notFound(pathname: string, res: http.ServerResponse) {
  if (pathname.startsWith('/api/v2/')) {
    send(res, {
      status: 404,
      body: { code: 404, message: `path ${pathname} was not found` },
    });
    return;
  }
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
  });
  res.end('404 page not found\n');
}

function methodNotAllowed(
  pathname: string,
  method: string,
  allowed: string[],
  res: http.ServerResponse,
) {
  if (pathname.startsWith('/api/v2/')) {
    send(res, {
      status: 405,
      body: {
        code: 405,
        message: `method ${method} is not allowed, but [${allowed.join(
          ',',
        )}] are`,
      },
    });
    return;
  }
  res.writeHead(405, {
    'content-type': 'text/plain; charset=utf-8',
    allow: allowed.join(', '),
  });
  res.end('Method Not Allowed\n');
}

/** Prometheus reads form parameters from the query string and a urlencoded body, the body winning. */
function formParams(
  query: URLSearchParams,
  body: string,
  contentType: string,
): URLSearchParams {
  const params = new URLSearchParams(query);
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(body);
    for (const name of new Set(form.keys())) params.delete(name);
    for (const [name, value] of form) params.append(name, value);
  }
  return params;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, response: ApiResponse) {
  if (response.body === undefined) {
    res.writeHead(response.status);
    res.end();
    return;
  }
  res.writeHead(response.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(response.body));
}
