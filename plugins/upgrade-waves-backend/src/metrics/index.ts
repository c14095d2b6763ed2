export {
  AlertmanagerAlertSource,
  DatadogAlertSource,
  createAlertsCheck,
  DEFAULT_IGNORED_SEVERITIES,
} from './alerts';
export type {
  AlertmanagerAlertSourceOptions,
  AlertsCheckDetail,
  AlertsCheckOptions,
  AlertSource,
  FiringAlert,
} from './alerts';
export {
  PrometheusMetricSource,
  DatadogMetricSource,
  createMetricBaselineCheck,
  createMetricComparisonCheck,
  compareWithBaseline,
  DEFAULT_PROMETHEUS_QUERIES,
  DEFAULT_DATADOG_QUERIES,
} from './metrics';
export type {
  DatadogMetricSourceOptions,
  MetricBaselineCheckOptions,
  MetricComparisonCheckOptions,
  MetricComparisonDetail,
  MetricSource,
  PrometheusMetricSourceOptions,
  TrafficMetric,
} from './metrics';
export { DEFAULT_DATADOG_API_URL } from './datadog';
export type { DatadogOptions } from './datadog';
export { createAlertSource, createMetricSource } from './config';
export type { ObservabilityProvider } from './config';
