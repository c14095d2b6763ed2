/** Up to this range, every stored point is returned (2,160 at the default 10 s). */
export const FULL_RESOLUTION_MS = 6 * 3600 * 1000;
/** Beyond it, the step grows so that a range returns at most this many points. */
export const MAX_POINTS = 1000;
/** Steps a chart's axis reads well at, in seconds. */
const STEPS = [
  10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
  86400,
];

/**
 * The step of a history answer: the recording interval for ranges up to six hours; beyond, the smallest
 * readable step (a whole number of intervals) that keeps the range within `MAX_POINTS` points.
 */
export function historyStepSeconds(
  rangeMs: number,
  intervalSeconds: number,
): number {
  if (rangeMs <= FULL_RESOLUTION_MS) return intervalSeconds;
  const needed = rangeMs / 1000 / MAX_POINTS;
  const readable =
    STEPS.find(s => s >= needed) ?? Math.ceil(needed / 86400) * 86400;
  return Math.max(1, Math.ceil(readable / intervalSeconds)) * intervalSeconds;
}
