/** A duration drawn at random, in milliseconds. */
export type Distribution =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  | { kind: 'lognormal'; medianMs: number; sigma: number }
  | { kind: 'exponential'; meanMs: number };

/** Standard normal by Box–Muller. */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function draw(
  d: Distribution,
  random: () => number = Math.random,
): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform':
      return d.minMs + (d.maxMs - d.minMs) * random();
    case 'lognormal':
      return d.medianMs * Math.exp(d.sigma * gaussian(random));
    default:
      return -d.meanMs * Math.log(1 - random());
  }
}
