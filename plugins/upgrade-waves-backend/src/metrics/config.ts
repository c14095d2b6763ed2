import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { MetricQueries } from '@fleetdeck/plugin-upgrade-waves-common';
import { readTimeouts } from '../config';
import {
  AlertmanagerAlertSource,
  AlertSource,
  DatadogAlertSource,
} from './alerts';
import { DatadogOptions, DEFAULT_DATADOG_API_URL } from './datadog';
import {
  DatadogMetricSource,
  MetricSource,
  PrometheusMetricSource,
} from './metrics';

/** The systems alerts and metrics can come from. */
export type ObservabilityProvider = 'prometheus' | 'datadog';

const PROVIDERS: readonly ObservabilityProvider[] = ['prometheus', 'datadog'];

function readProvider(config: Config, key: string): ObservabilityProvider {
  const provider = config.getOptionalString(key) ?? 'prometheus';
  if (!PROVIDERS.includes(provider as ObservabilityProvider)) {
    throw new InputError(
      `${key} must be one of ${PROVIDERS.join(', ')}; got '${provider}'`,
    );
  }
  return provider as ObservabilityProvider;
}

function readDatadog(config: Config): DatadogOptions {
  return {
    apiUrl:
      config.getOptionalString('upgradeWaves.datadog.apiUrl') ??
      DEFAULT_DATADOG_API_URL,
    apiKey: config.getString('upgradeWaves.datadog.apiKey'),
    appKey: config.getString('upgradeWaves.datadog.appKey'),
    timeoutMs: readTimeouts(config).metricsMs,
  };
}

function readQueries(config: Config): MetricQueries {
  const key = 'upgradeWaves.metrics.queries';
  return {
    requestRate: config.getOptionalString(`${key}.requestRate`),
    errorRate: config.getOptionalString(`${key}.errorRate`),
    latencyP95Ms: config.getOptionalString(`${key}.latencyP95Ms`),
  };
}

/**
 * The alert source `upgradeWaves.alerts.provider` names: Alertmanager at `upgradeWaves.alertmanager.url`
 * (`prometheus`, the default) or Datadog monitors (`datadog`, with `upgradeWaves.datadog`).
 */
export function createAlertSource(config: Config): AlertSource {
  if (readProvider(config, 'upgradeWaves.alerts.provider') === 'datadog') {
    return new DatadogAlertSource(readDatadog(config));
  }
  return new AlertmanagerAlertSource({
    url: config.getString('upgradeWaves.alertmanager.url'),
    timeoutMs: readTimeouts(config).metricsMs,
  });
}

/**
 * The metric source `upgradeWaves.metrics.provider` names: Prometheus at `upgradeWaves.prometheus.url`
 * (`prometheus`, the default) or Datadog (`datadog`), with `upgradeWaves.metrics.queries` in place of the defaults.
 */
export function createMetricSource(config: Config): MetricSource {
  const queries = readQueries(config);
  if (readProvider(config, 'upgradeWaves.metrics.provider') === 'datadog') {
    return new DatadogMetricSource({ ...readDatadog(config), queries });
  }
  return new PrometheusMetricSource({
    url: config.getString('upgradeWaves.prometheus.url'),
    queries,
    timeoutMs: readTimeouts(config).metricsMs,
  });
}
