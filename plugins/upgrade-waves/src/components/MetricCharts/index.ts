export {
  MetricCharts,
  metricThresholds,
  formatErrorRate,
  formatLatency,
} from './MetricCharts';
