import { historyStepSeconds, MAX_POINTS } from './historyStep';

const HOUR = 3600_000;

describe('historyStepSeconds', () => {
  it('keeps the recording interval up to six hours', () => {
    expect(historyStepSeconds(HOUR, 10)).toBe(10);
    expect(historyStepSeconds(6 * HOUR, 10)).toBe(10);
    expect(historyStepSeconds(6 * HOUR, 1)).toBe(1);
  });

  it.each([
    [7 * HOUR, 30],
    [48 * HOUR, 300],
    [7 * 24 * HOUR, 900],
    [365 * 24 * HOUR, 43200],
    [10 * 365 * 24 * HOUR, 4 * 86400],
  ])(
    'answers a range of %d ms in steps of %d s, at most 1000 points',
    (range, step) => {
      expect(historyStepSeconds(range, 10)).toBe(step);
      expect(range / 1000 / step).toBeLessThanOrEqual(MAX_POINTS);
    },
  );

  it('makes every step a whole number of intervals', () => {
    expect(historyStepSeconds(7 * HOUR, 7)).toBe(35);
    expect(historyStepSeconds(48 * HOUR, 120)).toBe(360);
  });
});
