export { MetricsSandbox, TRAFFIC_METRICS } from './MetricsSandbox';
export type { AlertSpec, MetricsSandboxOptions } from './MetricsSandbox';
export { MAX_POINTS_PER_SERIES } from './prometheusApi';
