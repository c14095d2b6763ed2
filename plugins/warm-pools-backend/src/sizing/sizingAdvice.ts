import type { SizingAdvice } from '@fleetdeck/plugin-warm-pools-common';
import type { SizingEvidence } from '../tracker/PoolTracker';

/** Fewer pods seen becoming Ready than this, and the refill time is not yet known well enough. */
export const MIN_READY_SAMPLES = 5;
/** Fewer sessions in the rate's window than this, and the arrival rate is not yet known well enough. */
export const MIN_ARRIVALS = 5;
export const DEFAULT_EMPTY_PROBABILITY_TARGET = 0.01;

/**
 * P(X > n) for every n = 0 … K of X ~ Poisson(mean), where K is far enough into the tail that what lies beyond
 * is below double precision. Summed from the far end, so that tiny tail probabilities keep their precision
 * (1 − CDF would cancel to 0 long before).
 */
export function poissonTails(mean: number): number[] {
  if (!(mean >= 0) || !Number.isFinite(mean)) {
    throw new RangeError(`a Poisson mean must be finite and >= 0, got ${mean}`);
  }
  const last = Math.ceil(mean + 12 * Math.sqrt(mean) + 40);
  // pmf(k) in log space: -mean + k·ln(mean) - ln(k!), which neither underflows nor overflows for large means.
  const logMean = mean > 0 ? Math.log(mean) : -Infinity;
  const pmf: number[] = [];
  let logFactorial = 0;
  for (let k = 0; k <= last; k++) {
    if (k > 0) logFactorial += Math.log(k);
    const logP = k === 0 ? -mean : -mean + k * logMean - logFactorial;
    pmf.push(Math.exp(logP));
  }
  const tails = new Array<number>(last + 1);
  let above = 0;
  for (let n = last; n >= 0; n--) {
    tails[n] = above;
    above += pmf[n];
  }
  return tails;
}

/**
 * P(Poisson(mean) > n): the model's chance that a pool of n pods runs empty.
 */
export function emptyProbability(mean: number, n: number): number {
  const tails = poissonTails(mean);
  return n < tails.length ? tails[n] : 0;
}

/**
 * The recommended pool size.
 *
 * The model (as documented on `SizingAdvice`): sessions arrive as a Poisson process of rate λ, the observed
 * assignment rate; a warm pod taken by a session is replaced after the refill time R, the observed time-to-ready
 * p90. A pool of N pods runs empty when more than N sessions arrive within one refill time, so the chance of
 * running empty is P(Poisson(λR) > N), and the recommendation is the smallest N that keeps it at or below
 * `emptyProbabilityTarget`. It ignores the provisioner's own reaction time and assumes arrivals do not bunch
 * beyond Poisson; both make it an optimistic floor, which is why the p90 of time-to-ready stands for R.
 *
 * Pure: the evidence comes from the tracker, so tests can state it exactly.
 */
export function adviseSize(
  evidence: SizingEvidence,
  emptyProbabilityTarget: number = DEFAULT_EMPTY_PROBABILITY_TARGET,
): SizingAdvice {
  const refillSeconds =
    evidence.timeToReady.p90Ms === undefined
      ? undefined
      : evidence.timeToReady.p90Ms / 1000;
  const advice: SizingAdvice = {
    currentTarget: evidence.currentTarget,
    arrivalRatePerMinute: evidence.arrivalRatePerMinute,
    refillSeconds,
    emptyProbabilityTarget,
  };
  const missing: string[] = [];
  if (evidence.timeToReady.count < MIN_READY_SAMPLES) {
    missing.push(
      `${evidence.timeToReady.count} pod(s) seen becoming Ready; the refill time needs at least ${MIN_READY_SAMPLES}`,
    );
  }
  if (evidence.arrivals < MIN_ARRIVALS) {
    missing.push(
      `${evidence.arrivals} session(s) in the last ${formatMinutes(
        evidence.observedMs,
      )}; the arrival rate needs at least ${MIN_ARRIVALS}`,
    );
  }
  if (missing.length > 0 || refillSeconds === undefined) {
    return { ...advice, reason: `not enough data: ${missing.join('; ')}` };
  }

  const mean = (evidence.arrivalRatePerMinute / 60) * refillSeconds;
  const tails = poissonTails(mean);
  let recommended = tails.findIndex(p => p <= emptyProbabilityTarget);
  // Beyond the computed tail everything is below double precision, so its end always qualifies.
  if (recommended < 0) recommended = tails.length - 1;
  return {
    ...advice,
    recommendedTarget: recommended,
    emptyProbabilityAtCurrent:
      evidence.currentTarget === undefined
        ? undefined
        : emptyProbability(mean, evidence.currentTarget),
  };
}

function formatMinutes(ms: number): string {
  const minutes = Math.round(ms / 6_000) / 10;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
