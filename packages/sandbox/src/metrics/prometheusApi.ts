import { selectFromQuery } from './selectors';
import { Series } from './SeriesStore';

/**
 * Prometheus' HTTP query API (`/api/v1/query`, `/api/v1/query_range`) over
 * scripted series. Parameters are checked and errors worded as Prometheus
 * does (web/api/v1/api.go), but the query is NOT evaluated as PromQL: the
 * answer is the series of the first known metric name in the query text,
 * filtered by the label matchers found in it, at the requested times. So
 * `sum(rate(fleetdeck:error_rate{cluster="eu-1"}[5m]))` answers the raw
 * `fleetdeck:error_rate` series of eu-1; script the values a query should see.
 */

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface SeriesSource {
  isKnownMetric(name: string): boolean;
  select(query: ReturnType<typeof selectFromQuery>): Series[];
}

/** Prometheus refuses range queries with more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11000;

class BadData extends Error {}

function invalidParameter(name: string, message: string): BadData {
  return new BadData(`invalid parameter ${JSON.stringify(name)}: ${message}`);
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const PROMETHEUS_DURATION =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS_MS = [
  365 * 24 * 3600 * 1000,
  7 * 24 * 3600 * 1000,
  24 * 3600 * 1000,
  3600 * 1000,
  60 * 1000,
  1000,
  1,
];

/** Unix seconds (fractions allowed) or RFC 3339, to ms as Prometheus rounds it. */
export function parseTime(text: string): number {
  if (FLOAT.test(text)) {
    return Math.round(Number(text) * 1000);
  }
  if (RFC3339.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`cannot parse ${JSON.stringify(text)} to a valid timestamp`);
}

/** Float seconds or a Prometheus duration (`1h30m`, `15s`, `500ms`), to ms. */
export function parseDuration(text: string): number {
  if (FLOAT.test(text)) {
    return Number(text) * 1000;
  }
  const match = text !== '' ? PROMETHEUS_DURATION.exec(text) : null;
  if (match) {
    return DURATION_UNITS_MS.reduce(
      (total, unit, i) => total + Number(match[i + 1] ?? 0) * unit,
      0,
    );
  }
  throw new Error(`cannot parse ${JSON.stringify(text)} to a valid duration`);
}

/** Sample values as Prometheus writes them: strings, Go's shortest float form. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  // JS and Go switch to exponents at the same magnitudes; Go pads the exponent to two digits.
  return String(value).replace(/e([+-])(\d)$/, 'e$10$2');
}

const toSeconds = (ms: number) => ms / 1000;

function parseParam<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw invalidParameter(name, (error as Error).message);
  }
}

function selectSeries(source: SeriesSource, query: string): Series[] {
  if (query.trim() === '') {
    throw invalidParameter(
      'query',
      '1:1: parse error: no expression found in input',
    );
  }
  const selection = parseParam('query', () =>
    selectFromQuery(query, name => source.isKnownMetric(name)),
  );
  if (!selection.metric) return [];
  return source
    .select(selection)
    .sort((a, b) =>
      JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1,
    );
}

function run(body: () => unknown): ApiResponse {
  try {
    return { status: 200, body: { status: 'success', data: body() } };
  } catch (error) {
    if (error instanceof BadData) {
      return {
        status: 400,
        body: { status: 'error', errorType: 'bad_data', error: error.message },
      };
    }
    // A scripted value function threw: Prometheus' code for a failed evaluation.
    return {
      status: 422,
      body: {
        status: 'error',
        errorType: 'execution',
        error: (error as Error).message,
      },
    };
  }
}

/** `/api/v1/query`: params `query`, `time` (default now). */
export function instantQuery(
  source: SeriesSource,
  params: URLSearchParams,
  now: number,
): ApiResponse {
  return run(() => {
    const timeParam = params.get('time') ?? '';
    const time =
      timeParam === '' ? now : parseParam('time', () => parseTime(timeParam));
    const result = [];
    for (const series of selectSeries(source, params.get('query') ?? '')) {
      const value = series.sample(time);
      if (value !== undefined) {
        result.push({
          metric: series.labels,
          value: [toSeconds(time), formatValue(value)],
        });
      }
    }
    return { resultType: 'vector', result };
  });
}

/** `/api/v1/query_range`: params `query`, `start`, `end`, `step`. */
export function rangeQuery(
  source: SeriesSource,
  params: URLSearchParams,
): ApiResponse {
  return run(() => {
    const start = parseParam('start', () =>
      parseTime(params.get('start') ?? ''),
    );
    const end = parseParam('end', () => parseTime(params.get('end') ?? ''));
    if (end < start) {
      throw invalidParameter(
        'end',
        'end timestamp must not be before start time',
      );
    }
    const step = parseParam('step', () =>
      parseDuration(params.get('step') ?? ''),
    );
    if (!(step > 0)) {
      throw invalidParameter(
        'step',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if (Math.floor((end - start) / step) > MAX_POINTS_PER_SERIES) {
      throw new BadData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const result = [];
    for (const series of selectSeries(source, params.get('query') ?? '')) {
      const values: Array<[number, string]> = [];
      for (let i = 0; start + i * step <= end; i++) {
        const t = Math.round(start + i * step);
        const value = series.sample(t);
        if (value !== undefined)
          values.push([toSeconds(t), formatValue(value)]);
      }
      if (values.length > 0) result.push({ metric: series.labels, values });
    }
    return { resultType: 'matrix', result };
  });
}
