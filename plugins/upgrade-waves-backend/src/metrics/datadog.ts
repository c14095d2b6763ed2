import type { Cluster } from '@fleetdeck/plugin-upgrade-waves-common';
import { baseUrl, getJson } from './http';

/** The Datadog API of the US1 site; other sites have their own (`https://api.datadoghq.eu`, …). */
export const DEFAULT_DATADOG_API_URL = 'https://api.datadoghq.com';

/** Where and as whom to call the Datadog API. */
export interface DatadogOptions {
  /** The site's API URL; {@link DEFAULT_DATADOG_API_URL} when absent. */
  apiUrl?: string;
  apiKey: string;
  appKey: string;
  /** How long one request may take; `upgradeWaves.timeouts.metricsMs`, 15 s by default. */
  timeoutMs?: number;
}

/** The tags that scope a cluster's monitors and metrics: its `datadogTags`, else `cluster_name:<name>`. */
export function datadogTagsOf(cluster: Cluster): string[] {
  return cluster.datadogTags?.length
    ? cluster.datadogTags
    : [`cluster_name:${cluster.name}`];
}

/** Authenticated GETs to the Datadog API. The keys live in private fields so they never show up when the object is logged. */
export class DatadogApi {
  readonly #apiKey: string;
  readonly #appKey: string;
  private readonly apiUrl: string;
  private readonly timeoutMs?: number;

  constructor(options: DatadogOptions) {
    this.apiUrl = baseUrl(options.apiUrl ?? DEFAULT_DATADOG_API_URL);
    this.timeoutMs = options.timeoutMs;
    this.#apiKey = options.apiKey;
    this.#appKey = options.appKey;
  }

  get<T>(
    path: string,
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<T> {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [name, value] of Object.entries(params)) {
      url.searchParams.set(name, value);
    }
    return getJson<T>('Datadog', url, {
      signal,
      timeoutMs: this.timeoutMs,
      headers: {
        'DD-API-KEY': this.#apiKey,
        'DD-APPLICATION-KEY': this.#appKey,
      },
    });
  }
}
