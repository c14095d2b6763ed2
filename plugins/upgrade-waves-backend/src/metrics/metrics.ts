import type {
  Cluster,
  MetricQueries,
  MetricSnapshot,
  ValidationThresholds,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { CheckReport, ClusterCheck } from '../checks/types';
import { DatadogApi, DatadogOptions, datadogTagsOf } from './datadog';
import { baseUrl, getJson } from './http';

/** Where the metric checks read a cluster's traffic. */
export interface MetricSource {
  snapshot(cluster: Cluster, signal?: AbortSignal): Promise<MetricSnapshot>;
}

/** The three traffic metrics a wave compares. */
export type TrafficMetric = keyof Required<MetricQueries>;

const TRAFFIC_METRICS: readonly TrafficMetric[] = [
  'requestRate',
  'errorRate',
  'latencyP95Ms',
];

const METRIC_NAMES: Record<TrafficMetric, string> = {
  requestRate: 'request rate',
  errorRate: 'error rate',
  latencyP95Ms: 'p95 latency',
};

/** Recording rules: the sandbox serves them, and a production Prometheus can define them over `istio_requests_total`. */
export const DEFAULT_PROMETHEUS_QUERIES: Required<MetricQueries> = {
  requestRate: 'fleetdeck:request_rate{cluster="{cluster}"}',
  errorRate: 'fleetdeck:error_rate{cluster="{cluster}"}',
  latencyP95Ms: 'fleetdeck:latency_p95_ms{cluster="{cluster}"}',
};

/** Istio's mesh metrics as the Datadog Istio integration names them; `{tags}` is the cluster's scope. */
export const DEFAULT_DATADOG_QUERIES: Required<MetricQueries> = {
  requestRate: 'sum:istio.mesh.request.count.total{{tags}}.as_rate()',
  errorRate:
    'sum:istio.mesh.request.count.total{{tags},response_code:5*}.as_rate() / sum:istio.mesh.request.count.total{{tags}}.as_rate()',
  latencyP95Ms: 'p95:istio.mesh.request.duration.milliseconds{{tags}}',
};

/**
 * The queries for one cluster: its own (`cluster.metrics`) before the configured ones before the defaults, with
 * `{cluster}` replaced by its name and `{tags}` by its Datadog tags.
 */
export function queriesFor(
  cluster: Cluster,
  configured: MetricQueries,
  defaults: Required<MetricQueries>,
): Required<MetricQueries> {
  const tags = datadogTagsOf(cluster).join(',');
  const fill = (query: string) =>
    query.replace(/\{cluster\}/g, cluster.name).replace(/\{tags\}/g, tags);
  const pick = (metric: TrafficMetric) =>
    fill(cluster.metrics?.[metric] ?? configured[metric] ?? defaults[metric]);
  return {
    requestRate: pick('requestRate'),
    errorRate: pick('errorRate'),
    latencyP95Ms: pick('latencyP95Ms'),
  };
}

async function snapshotOf(
  read: (metric: TrafficMetric) => Promise<number>,
  at: Date,
): Promise<MetricSnapshot> {
  const [requestRate, errorRate, latencyP95Ms] = await Promise.all(
    TRAFFIC_METRICS.map(read),
  );
  return { requestRate, errorRate, latencyP95Ms, at: at.toISOString() };
}

function finite(
  value: number,
  provider: string,
  metric: TrafficMetric,
  cluster: Cluster,
  query: string,
): number {
  if (!Number.isFinite(value)) {
    throw new Error(
      `${provider} answered ${value} for the ${METRIC_NAMES[metric]} of cluster ${cluster.name} (query: ${query})`,
    );
  }
  return value;
}

/** Prometheus' instant-query answer (the fields used here). */
interface PrometheusQueryResponse {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: 'vector' | 'scalar' | 'matrix' | 'string';
    result: unknown;
  };
}

export interface PrometheusMetricSourceOptions {
  /** Prometheus' base URL. */
  url: string;
  /** Queries for every cluster (`upgradeWaves.metrics.queries`); a cluster's own `metrics` win. */
  queries?: MetricQueries;
  /** How long one request may take; `upgradeWaves.timeouts.metricsMs`, 15 s by default. */
  timeoutMs?: number;
}

/** Traffic from Prometheus instant queries, all three evaluated at the same instant. */
export class PrometheusMetricSource implements MetricSource {
  private readonly url: string;
  private readonly queries: MetricQueries;
  private readonly timeoutMs?: number;

  constructor(options: PrometheusMetricSourceOptions) {
    this.url = baseUrl(options.url);
    this.queries = options.queries ?? {};
    this.timeoutMs = options.timeoutMs;
  }

  async snapshot(
    cluster: Cluster,
    signal?: AbortSignal,
  ): Promise<MetricSnapshot> {
    const queries = queriesFor(
      cluster,
      this.queries,
      DEFAULT_PROMETHEUS_QUERIES,
    );
    const at = new Date();
    return snapshotOf(
      metric => this.query(metric, queries[metric], cluster, at, signal),
      at,
    );
  }

  private async query(
    metric: TrafficMetric,
    query: string,
    cluster: Cluster,
    at: Date,
    signal?: AbortSignal,
  ): Promise<number> {
    const url = new URL(`${this.url}/api/v1/query`);
    url.searchParams.set('query', query);
    url.searchParams.set('time', String(at.getTime() / 1000));
    const response = await getJson<PrometheusQueryResponse>('Prometheus', url, {
      signal,
      timeoutMs: this.timeoutMs,
    });
    if (response.status !== 'success' || !response.data) {
      throw new Error(
        `Prometheus could not answer the ${
          METRIC_NAMES[metric]
        } query for cluster ${cluster.name}: ${
          response.error ?? 'no data'
        } (query: ${query})`,
      );
    }
    const { resultType, result } = response.data;
    let value: number;
    if (resultType === 'scalar') {
      value = Number((result as [number, string])[1]);
    } else if (resultType === 'vector') {
      const samples = result as Array<{ value: [number, string] }>;
      if (samples.length === 0) {
        throw new Error(
          `Prometheus has no series for the ${METRIC_NAMES[metric]} of cluster ${cluster.name} (query: ${query})`,
        );
      }
      // Several series (per service, per pod…): the cluster's traffic is their sum.
      value = samples.reduce((sum, sample) => sum + Number(sample.value[1]), 0);
    } else {
      throw new Error(
        `Prometheus answered a ${resultType} for the ${METRIC_NAMES[metric]} of cluster ${cluster.name}, not an instant vector (query: ${query})`,
      );
    }
    return finite(value, 'Prometheus', metric, cluster, query);
  }
}

/** Datadog's `GET /api/v1/query` answer (the fields used here). */
interface DatadogQueryResponse {
  status?: string;
  error?: string;
  series?: Array<{ pointlist?: Array<[number, number | null]> }>;
}

/** How far back a Datadog query looks for the latest point. */
const DEFAULT_DATADOG_WINDOW_SECONDS = 300;

export interface DatadogMetricSourceOptions extends DatadogOptions {
  /** Queries for every cluster (`upgradeWaves.metrics.queries`); a cluster's own `metrics` win. */
  queries?: MetricQueries;
  /** The window queried, ending now; 300 when absent. */
  windowSeconds?: number;
}

/** Traffic from Datadog: the last point of each series of the query over the recent window, summed. */
export class DatadogMetricSource implements MetricSource {
  private readonly api: DatadogApi;
  private readonly queries: MetricQueries;
  private readonly windowSeconds: number;

  constructor(options: DatadogMetricSourceOptions) {
    this.api = new DatadogApi(options);
    this.queries = options.queries ?? {};
    this.windowSeconds =
      options.windowSeconds ?? DEFAULT_DATADOG_WINDOW_SECONDS;
  }

  async snapshot(
    cluster: Cluster,
    signal?: AbortSignal,
  ): Promise<MetricSnapshot> {
    const queries = queriesFor(cluster, this.queries, DEFAULT_DATADOG_QUERIES);
    const at = new Date();
    const to = Math.floor(at.getTime() / 1000);
    const from = to - this.windowSeconds;
    return snapshotOf(
      metric => this.query(metric, queries[metric], cluster, from, to, signal),
      at,
    );
  }

  private async query(
    metric: TrafficMetric,
    query: string,
    cluster: Cluster,
    from: number,
    to: number,
    signal?: AbortSignal,
  ): Promise<number> {
    const response = await this.api.get<DatadogQueryResponse>(
      '/api/v1/query',
      { from: String(from), to: String(to), query },
      signal,
    );
    if (response.status === 'error') {
      throw new Error(
        `Datadog could not answer the ${METRIC_NAMES[metric]} query for cluster ${cluster.name}: ${response.error} (query: ${query})`,
      );
    }
    const lastPoints = (response.series ?? [])
      .map(series => lastValue(series.pointlist ?? []))
      .filter((value): value is number => value !== undefined);
    if (lastPoints.length === 0) {
      throw new Error(
        `Datadog has no points in the last ${this.windowSeconds}s for the ${METRIC_NAMES[metric]} of cluster ${cluster.name} (query: ${query})`,
      );
    }
    return finite(
      lastPoints.reduce((sum, value) => sum + value, 0),
      'Datadog',
      metric,
      cluster,
      query,
    );
  }
}

/** The latest point that has a value (Datadog leaves gaps as null). */
function lastValue(points: Array<[number, number | null]>): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const value = points[i][1];
    if (value !== null && value !== undefined) return value;
  }
  return undefined;
}

function rps(value: number): string {
  return `${value.toFixed(1)} rps`;
}
function percentOf(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
function ms(value: number): string {
  return `${Math.round(value)} ms`;
}
function signed(value: number, digits: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function trafficSummary(snapshot: MetricSnapshot): string {
  return `${rps(snapshot.requestRate)}, ${percentOf(
    snapshot.errorRate,
  )} errors, p95 ${ms(snapshot.latencyP95Ms)}`;
}

export interface MetricBaselineCheckOptions {
  source: MetricSource;
  thresholds: Pick<ValidationThresholds, 'minRequestRate'>;
}

/** The `metric-baseline` check: captures the traffic the post-upgrade comparison starts from. */
export function createMetricBaselineCheck(
  options: MetricBaselineCheckOptions,
): ClusterCheck {
  const { minRequestRate } = options.thresholds;
  return {
    name: 'metric-baseline',
    async run({ cluster, signal }) {
      const snapshot = await options.source.snapshot(cluster, signal);
      if (snapshot.requestRate < minRequestRate) {
        return {
          outcome: 'failed',
          message: `request rate ${rps(
            snapshot.requestRate,
          )} is below the minimum of ${rps(
            minRequestRate,
          )}: a comparison after the upgrade would be meaningless`,
          detail: { snapshot, minRequestRate },
        };
      }
      return {
        outcome: 'passed',
        message: `baseline captured: ${trafficSummary(snapshot)}`,
        detail: { baseline: snapshot },
        baseline: snapshot,
      };
    },
  };
}

/** What the `metric-comparison` result stores, for the UI to draw. */
export interface MetricComparisonDetail {
  baseline: MetricSnapshot;
  now: MetricSnapshot;
  deltas: {
    /** now − baseline, as a fraction (0.01 = one percentage point). */
    errorRate: number;
    /** now − baseline, in ms. */
    latencyP95Ms: number;
    /** The p95 change in percent of the baseline; null when the baseline p95 is 0. */
    latencyP95Percent: number | null;
    /** now − baseline, in rps. */
    requestRate: number;
  };
  thresholds: ValidationThresholds;
  /** The metrics that broke their threshold. */
  breached: TrafficMetric[];
}

/**
 * Compares post-upgrade traffic with the baseline (GUARD's validation): fails when the error rate rose by more
 * than `maxErrorRateIncrease`, p95 latency by more than `maxLatencyIncreasePercent` %, or when the request rate
 * is below `minRequestRate`.
 */
export function compareWithBaseline(
  baseline: MetricSnapshot,
  now: MetricSnapshot,
  thresholds: ValidationThresholds,
): CheckReport {
  const errorRateDelta = now.errorRate - baseline.errorRate;
  const latencyDelta = now.latencyP95Ms - baseline.latencyP95Ms;
  const latencyPercent =
    baseline.latencyP95Ms > 0
      ? (latencyDelta / baseline.latencyP95Ms) * 100
      : null;

  const problems: Array<[TrafficMetric, string]> = [];
  if (errorRateDelta > thresholds.maxErrorRateIncrease) {
    problems.push([
      'errorRate',
      `error rate rose from ${percentOf(baseline.errorRate)} to ${percentOf(
        now.errorRate,
      )} (${signed(errorRateDelta * 100, 2)} percentage points; at most +${(
        thresholds.maxErrorRateIncrease * 100
      ).toFixed(2)} allowed)`,
    ]);
  }
  const latencyBreached =
    latencyPercent === null
      ? now.latencyP95Ms > 0
      : latencyPercent > thresholds.maxLatencyIncreasePercent;
  if (latencyBreached) {
    problems.push([
      'latencyP95Ms',
      `p95 latency rose from ${ms(baseline.latencyP95Ms)} to ${ms(
        now.latencyP95Ms,
      )} (${
        latencyPercent === null
          ? 'from nothing'
          : `${signed(latencyPercent, 1)}%`
      }; at most +${thresholds.maxLatencyIncreasePercent}% allowed)`,
    ]);
  }
  if (now.requestRate < thresholds.minRequestRate) {
    problems.push([
      'requestRate',
      `request rate ${rps(now.requestRate)} is below the minimum of ${rps(
        thresholds.minRequestRate,
      )}, too little traffic to compare`,
    ]);
  }

  const detail: MetricComparisonDetail = {
    baseline,
    now,
    deltas: {
      errorRate: errorRateDelta,
      latencyP95Ms: latencyDelta,
      latencyP95Percent: latencyPercent,
      requestRate: now.requestRate - baseline.requestRate,
    },
    thresholds,
    breached: problems.map(([metric]) => metric),
  };
  if (problems.length > 0) {
    return {
      outcome: 'failed',
      message: `Traffic regressed: ${problems
        .map(([, text]) => text)
        .join('; ')}`,
      detail,
    };
  }
  return {
    outcome: 'passed',
    message: `Traffic within thresholds: error rate ${percentOf(
      now.errorRate,
    )} (${signed(errorRateDelta * 100, 2)} points), p95 ${ms(
      now.latencyP95Ms,
    )}${
      latencyPercent === null ? '' : ` (${signed(latencyPercent, 1)}%)`
    }, ${rps(now.requestRate)}`,
    detail,
  };
}

export interface MetricComparisonCheckOptions {
  source: MetricSource;
  thresholds: ValidationThresholds;
  /** The baseline captured before the upgrade. */
  baselineFor(
    clusterId: string,
  ): MetricSnapshot | undefined | Promise<MetricSnapshot | undefined>;
}

/** The `metric-comparison` check: today's traffic against the baseline. */
export function createMetricComparisonCheck(
  options: MetricComparisonCheckOptions,
): ClusterCheck {
  return {
    name: 'metric-comparison',
    async run({ cluster, signal }) {
      const baseline = await options.baselineFor(cluster.clusterId);
      if (!baseline) {
        return {
          outcome: 'failed',
          message:
            'no metric baseline was captured for this cluster before the upgrade',
        };
      }
      const now = await options.source.snapshot(cluster, signal);
      return compareWithBaseline(baseline, now, options.thresholds);
    },
  };
}
