/** One figure measured for Fleetdeck and for its peer in the same run. */
export interface BenchFigure {
  metric: string;
  unit: string;
  fleetdeck: number;
  peer: number;
  /** Which direction is better, so the ratio can be read at a glance. */
  better: 'lower' | 'higher';
}

/** A benchmark: bench/suites/<name>.bench.ts default-exports one. */
export interface Benchmark {
  name: string;
  /** What Fleetdeck is compared with, e.g. "kubectl get pods --watch" or "Kargo's promotion loop". */
  peer: string;
  run(): Promise<BenchFigure[]>;
}
