import {
  LABEL_NAME,
  LabelMatcher,
  Labels,
  matchesAll,
  METRIC_NAME,
} from './selectors';

/** A value as a function of time in ms; `undefined` means no sample at that time. */
export type SampleFunction = (tMs: number) => number | undefined;

export interface Series {
  /** All labels, `__name__` and `cluster` included. */
  labels: Labels;
  sample: SampleFunction;
}

function seriesKey(labels: Labels): string {
  return JSON.stringify(
    Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The scripted series, one per label set, evaluated at query time. */
export class SeriesStore {
  private readonly series = new Map<string, Series>();

  set(labels: Labels, sample: SampleFunction): void {
    if (!METRIC_NAME.test(labels.__name__ ?? '')) {
      throw new Error(
        `Invalid metric name: ${JSON.stringify(labels.__name__)}`,
      );
    }
    for (const name of Object.keys(labels)) {
      if (name !== '__name__' && !LABEL_NAME.test(name)) {
        throw new Error(`Invalid label name: ${JSON.stringify(name)}`);
      }
    }
    this.series.set(seriesKey(labels), { labels: { ...labels }, sample });
  }

  get(labels: Labels): Series | undefined {
    return this.series.get(seriesKey(labels));
  }

  hasMetric(name: string): boolean {
    for (const series of this.series.values()) {
      if (series.labels.__name__ === name) return true;
    }
    return false;
  }

  select(metric: string, matchers: LabelMatcher[]): Series[] {
    return [...this.series.values()].filter(
      series =>
        series.labels.__name__ === metric &&
        matchesAll(series.labels, matchers),
    );
  }
}
