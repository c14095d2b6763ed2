import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import type { ClusterCheck } from '../checks/types';
import { DatadogApi, DatadogOptions, datadogTagsOf } from './datadog';
import { baseUrl, getJson } from './http';

/** An alert firing on a cluster, from whichever system watches it. */
export interface FiringAlert {
  name: string;
  severity?: string;
  summary?: string;
  /** When it started firing (ISO 8601). */
  startsAt?: string;
  labels: Record<string, string>;
}

/** Where the `alerts` check learns what fires on a cluster. */
export interface AlertSource {
  firingAlerts(cluster: Cluster, signal?: AbortSignal): Promise<FiringAlert[]>;
}

/** An alert as Alertmanager's v2 API lists it (the fields used here). */
interface AlertmanagerAlert {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
}

export interface AlertmanagerAlertSourceOptions {
  /** Alertmanager's base URL. */
  url: string;
  /** The label that names the cluster on its alerts; `cluster` when absent. */
  clusterLabel?: string;
  /** How long one request may take; `upgradeWaves.timeouts.metricsMs`, 15 s by default. */
  timeoutMs?: number;
}

/** Alerts from Alertmanager: the active ones (not silenced or inhibited) whose cluster label is the cluster's name. */
export class AlertmanagerAlertSource implements AlertSource {
  private readonly url: string;
  private readonly clusterLabel: string;
  private readonly timeoutMs?: number;

  constructor(options: AlertmanagerAlertSourceOptions) {
    this.url = baseUrl(options.url);
    this.clusterLabel = options.clusterLabel ?? 'cluster';
    this.timeoutMs = options.timeoutMs;
  }

  async firingAlerts(
    cluster: Cluster,
    signal?: AbortSignal,
  ): Promise<FiringAlert[]> {
    const url = new URL(`${this.url}/api/v2/alerts`);
    url.searchParams.set('active', 'true');
    url.searchParams.set('silenced', 'false');
    url.searchParams.set('inhibited', 'false');
    url.searchParams.set(
      'filter',
      `${this.clusterLabel}="${matcherValue(cluster.name)}"`,
    );
    const alerts = await getJson<AlertmanagerAlert[]>('Alertmanager', url, {
      signal,
      timeoutMs: this.timeoutMs,
    });
    if (!Array.isArray(alerts)) {
      throw new Error(
        'Alertmanager answered /api/v2/alerts with something other than a list',
      );
    }
    return alerts.map(alert => {
      const labels = alert.labels ?? {};
      return {
        name: labels.alertname ?? '(unnamed alert)',
        severity: labels.severity,
        summary: alert.annotations?.summary ?? alert.annotations?.description,
        startsAt: alert.startsAt,
        labels,
      };
    });
  }
}

/** A monitor as Datadog's `GET /api/v1/monitor` lists it (the fields used here). */
interface DatadogMonitor {
  id: number;
  name: string;
  message?: string;
  tags?: string[];
  priority?: number | null;
  overall_state?: string;
  overall_state_modified?: string;
}

/** Alerts from Datadog: the monitors tagged with the cluster's Datadog tags that are in state Alert. */
export class DatadogAlertSource implements AlertSource {
  private readonly api: DatadogApi;

  constructor(options: DatadogOptions) {
    this.api = new DatadogApi(options);
  }

  async firingAlerts(
    cluster: Cluster,
    signal?: AbortSignal,
  ): Promise<FiringAlert[]> {
    const monitors = await this.api.get<DatadogMonitor[]>(
      '/api/v1/monitor',
      {
        monitor_tags: datadogTagsOf(cluster).join(','),
        group_states: 'alert',
      },
      signal,
    );
    if (!Array.isArray(monitors)) {
      throw new Error(
        'Datadog answered /api/v1/monitor with something other than a list',
      );
    }
    return monitors
      .filter(monitor => monitor.overall_state === 'Alert')
      .map(monitor => {
        const labels = tagLabels(monitor.tags ?? []);
        labels.monitor_id = String(monitor.id);
        return {
          name: monitor.name,
          severity:
            labels.severity ??
            (monitor.priority ? `P${monitor.priority}` : undefined),
          summary: firstLine(monitor.message),
          startsAt: monitor.overall_state_modified,
          labels,
        };
      });
  }
}

/** Severities that do not stop a wave unless configured otherwise. */
export const DEFAULT_IGNORED_SEVERITIES = ['info', 'none'];

export interface AlertsCheckOptions {
  source: AlertSource;
  /** Alerts of these severities (case-insensitive) do not fail the check; {@link DEFAULT_IGNORED_SEVERITIES} when absent. */
  ignoreSeverities?: string[];
}

/** What the `alerts` check stores with its result. */
export interface AlertsCheckDetail {
  /** The alerts that failed the check. */
  alerts: FiringAlert[];
  /** Alerts firing with an ignored severity. */
  ignored: FiringAlert[];
}

const NAMES_IN_MESSAGE = 5;

/** The `alerts` check: no upgrade while the cluster is in an incident. */
export function createAlertsCheck(options: AlertsCheckOptions): ClusterCheck {
  const ignoredSeverities = new Set(
    (options.ignoreSeverities ?? DEFAULT_IGNORED_SEVERITIES).map(s =>
      s.toLowerCase(),
    ),
  );
  const isIgnored = (alert: FiringAlert) =>
    alert.severity !== undefined &&
    ignoredSeverities.has(alert.severity.toLowerCase());

  return {
    name: 'alerts',
    async run({ cluster, signal }) {
      const all = await options.source.firingAlerts(cluster, signal);
      const detail: AlertsCheckDetail = {
        alerts: all.filter(alert => !isIgnored(alert)),
        ignored: all.filter(isIgnored),
      };
      if (detail.alerts.length > 0) {
        return {
          outcome: 'failed',
          message: `${count(detail.alerts.length, 'alert')} firing: ${names(
            detail.alerts,
          )}`,
          detail,
        };
      }
      return {
        outcome: 'passed',
        message: detail.ignored.length
          ? `No alerts firing (${count(
              detail.ignored.length,
              'alert',
            )} of an ignored severity)`
          : 'No alerts firing',
        detail,
      };
    },
  };
}

function names(alerts: FiringAlert[]): string {
  const shown = alerts
    .slice(0, NAMES_IN_MESSAGE)
    .map(a => (a.severity ? `${a.name} (${a.severity})` : a.name));
  const more = alerts.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A label matcher value as Alertmanager parses it: a double-quoted string with `\` and `"` escaped. */
function matcherValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Datadog `key:value` tags as labels; a tag without a value becomes a label with an empty one. */
function tagLabels(tags: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags) {
    const colon = tag.indexOf(':');
    if (colon < 0) labels[tag] = '';
    else labels[tag.slice(0, colon)] = tag.slice(colon + 1);
  }
  return labels;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text
    ?.split('\n')
    .map(l => l.trim())
    .find(l => l.length > 0);
  return line || undefined;
}
