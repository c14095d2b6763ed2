import type { SizingEvidence } from '../tracker/PoolTracker';
import {
  adviseSize,
  emptyProbability,
  MIN_ARRIVALS,
  MIN_READY_SAMPLES,
  poissonTails,
} from './sizingAdvice';

/** Evidence with plenty of samples: `perMinute` arrivals, time-to-ready p90 of `p90Ms`. */
function evidence(
  perMinute: number,
  p90Ms: number,
  overrides: Partial<SizingEvidence> = {},
): SizingEvidence {
  return {
    currentTarget: 4,
    arrivalRatePerMinute: perMinute,
    arrivals: 100,
    observedMs: 5 * 60_000,
    timeToReady: { count: 50, p50Ms: p90Ms / 2, p90Ms, p99Ms: p90Ms },
    ...overrides,
  };
}

describe('poissonTails', () => {
  it('matches the closed form of P(X > n) for a small mean', () => {
    const e = Math.exp(-1);
    const tails = poissonTails(1);
    expect(tails[0]).toBeCloseTo(1 - e, 12);
    expect(tails[1]).toBeCloseTo(1 - 2 * e, 12);
    expect(tails[2]).toBeCloseTo(1 - 2.5 * e, 12);
    expect(tails[3]).toBeCloseTo(1 - (8 / 3) * e, 12);
    expect(tails[4]).toBeCloseTo(1 - (65 / 24) * e, 12);
  });

  it('keeps tiny tails that 1 − CDF would round to zero', () => {
    // P(Poisson(1) > 20) = e⁻¹ · Σ_{k>20} 1/k! ≈ 7.54e-21
    let expected = 0;
    let factorial = 1;
    for (let k = 1; k <= 40; k++) {
      factorial *= k;
      if (k > 20) expected += Math.exp(-1) / factorial;
    }
    expect(poissonTails(1)[20] / expected).toBeCloseTo(1, 9);
  });

  it('is decreasing, and works for a mean where e^-mean underflows', () => {
    const tails = poissonTails(1000);
    for (let n = 1; n < tails.length; n++) {
      expect(tails[n]).toBeLessThanOrEqual(tails[n - 1]);
    }
    // Median of Poisson(1000) is 1000: about half the mass lies above it.
    expect(tails[1000]).toBeGreaterThan(0.48);
    expect(tails[1000]).toBeLessThan(0.5);
  });

  it('puts nothing above zero for a mean of zero, and rejects nonsense', () => {
    expect(poissonTails(0)[0]).toBe(0);
    expect(() => poissonTails(-1)).toThrow(RangeError);
    expect(() => poissonTails(Number.NaN)).toThrow(RangeError);
  });
});

describe('adviseSize', () => {
  it('recommends the smallest pool whose chance of running empty is within the target', () => {
    // 6 sessions a minute and a 10 s refill: λR = 1, and P(Poisson(1) > 3) ≈ 0.019 > 0.01 ≥ P(… > 4) ≈ 0.0037.
    const advice = adviseSize(evidence(6, 10_000), 0.01);
    expect(advice).toEqual({
      recommendedTarget: 4,
      currentTarget: 4,
      arrivalRatePerMinute: 6,
      refillSeconds: 10,
      emptyProbabilityTarget: 0.01,
      emptyProbabilityAtCurrent: emptyProbability(1, 4),
    });
    expect(advice.emptyProbabilityAtCurrent).toBeCloseTo(
      1 - (65 / 24) * Math.exp(-1),
      12,
    );
  });

  it('asks for more pods when the target probability is stricter, or arrivals are faster', () => {
    const base = adviseSize(evidence(6, 10_000), 0.01).recommendedTarget!;
    expect(adviseSize(evidence(6, 10_000), 0.0001).recommendedTarget).toBe(6);
    expect(adviseSize(evidence(6, 10_000), 0.3).recommendedTarget).toBe(1);
    expect(
      adviseSize(evidence(60, 10_000), 0.01).recommendedTarget,
    ).toBeGreaterThan(base);
  });

  it("uses the time-to-ready p90 as the refill time: seed 003's 60 s on-demand start", () => {
    // 2 sessions a minute, 60 s to Ready: λR = 2.
    const advice = adviseSize(evidence(2, 60_000), 0.01);
    expect(advice.refillSeconds).toBe(60);
    // P(Poisson(2) > 5) ≈ 0.0166, P(… > 6) ≈ 0.0045.
    expect(advice.recommendedTarget).toBe(6);
    expect(advice.emptyProbabilityAtCurrent).toBeGreaterThan(0.05);
  });

  it('stays close to the normal approximation for a busy pool', () => {
    // λR = 1000: the 99th percentile is about 1000 + 2.326·√1000 ≈ 1074.
    const advice = adviseSize(evidence(1000, 60_000), 0.01);
    expect(advice.recommendedTarget).toBeGreaterThanOrEqual(1070);
    expect(advice.recommendedTarget).toBeLessThanOrEqual(1078);
  });

  it('gives no recommendation, and says why, while pods or sessions are too few', () => {
    const fewReady = adviseSize(
      evidence(6, 10_000, {
        timeToReady: { count: MIN_READY_SAMPLES - 1, p90Ms: 1000 },
      }),
    );
    expect(fewReady.recommendedTarget).toBeUndefined();
    expect(fewReady.emptyProbabilityAtCurrent).toBeUndefined();
    expect(fewReady.reason).toMatch(
      /^not enough data: 4 pod\(s\) seen becoming Ready/,
    );

    const fewSessions = adviseSize(
      evidence(0.4, 10_000, { arrivals: 2, observedMs: 5 * 60_000 }),
    );
    expect(fewSessions).toMatchObject({
      arrivalRatePerMinute: 0.4,
      refillSeconds: 10,
      emptyProbabilityTarget: 0.01,
      currentTarget: 4,
    });
    expect(fewSessions.recommendedTarget).toBeUndefined();
    expect(fewSessions.reason).toBe(
      `not enough data: 2 session(s) in the last 5 minutes; the arrival rate needs at least ${MIN_ARRIVALS}`,
    );

    const nothing = adviseSize(
      evidence(0, 0, {
        currentTarget: undefined,
        arrivals: 0,
        observedMs: 60_000,
        timeToReady: { count: 0 },
      }),
    );
    expect(nothing.refillSeconds).toBeUndefined();
    expect(nothing.reason).toContain('0 pod(s) seen becoming Ready');
    expect(nothing.reason).toContain('0 session(s) in the last 1 minute');
  });

  it('leaves the chance at the current target out when the pool has no target', () => {
    const advice = adviseSize(
      evidence(6, 10_000, { currentTarget: undefined }),
    );
    expect(advice.recommendedTarget).toBe(4);
    expect(advice.emptyProbabilityAtCurrent).toBeUndefined();
  });
});
