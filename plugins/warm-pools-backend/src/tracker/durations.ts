import type {
  DurationSummary,
  HistogramBucket,
} from '@fleetdeck/plugin-warm-pools-common';

/**
 * Upper bounds of the time-to-ready histogram, in milliseconds. Fixed, so that histograms of different pools
 * and moments compare bucket by bucket; they span a warm pod that is ready at once to seed 003's ~60 s
 * on-demand start and well beyond.
 */
export const TIME_TO_READY_BOUNDS_MS = [
  500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 90_000, 120_000,
  300_000,
];

/** The bound of the last bucket, which holds everything above the fixed bounds (JSON has no Infinity). */
export const OVERFLOW_BOUND_MS = Number.MAX_SAFE_INTEGER;

/** Nearest-rank percentiles of the samples. */
export function summarize(samples: readonly number[]): DurationSummary {
  if (samples.length === 0) return { count: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    count: samples.length,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
  };
}

/** Counts per bucket: a sample lands in the first bucket whose bound it does not exceed. */
export function histogram(samples: readonly number[]): HistogramBucket[] {
  const buckets = [...TIME_TO_READY_BOUNDS_MS, OVERFLOW_BOUND_MS].map(leMs => ({
    leMs,
    count: 0,
  }));
  for (const sample of samples) {
    const bucket = buckets.find(b => sample <= b.leMs) ?? buckets.at(-1)!;
    bucket.count += 1;
  }
  return buckets;
}
