import { ResponseError } from '@backstage/errors';
import type {
  FailoverRecord,
  GroupTopology,
  LagSample,
  SentinelGroup,
  SessionStoreStats,
} from './types';

/** A group in the overview: its configuration and current topology. @public */
export interface SentinelGroupSummary extends SentinelGroup {
  topology: GroupTopology;
}

/** The sentinel REST API. @public */
export interface SentinelApi {
  listGroups(): Promise<SentinelGroupSummary[]>;
  getTopology(group: string): Promise<GroupTopology>;
  listFailovers(
    group: string,
    options?: { limit?: number },
  ): Promise<FailoverRecord[]>;
  getLagHistory(
    group: string,
    options?: { from?: string; to?: string },
  ): Promise<LagSample[]>;
  getSessionStoreStats(group: string): Promise<SessionStoreStats | null>;
  triggerFailover(group: string, reason: string): Promise<FailoverRecord>;
}

/** HTTP client of the sentinel backend, for the browser and for backend callers. @public */
export class SentinelClient implements SentinelApi {
  private readonly discovery: { getBaseUrl(pluginId: string): Promise<string> };
  private readonly fetchFn: typeof fetch;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discovery = options.discoveryApi;
    this.fetchFn = options.fetchApi?.fetch ?? fetch;
  }

  listGroups() {
    return this.request<SentinelGroupSummary[]>('GET', '/groups');
  }
  getTopology(group: string) {
    return this.request<GroupTopology>(
      'GET',
      `${this.groupPath(group)}/topology`,
    );
  }
  listFailovers(group: string, options: { limit?: number } = {}) {
    const q = options.limit ? `?limit=${options.limit}` : '';
    return this.request<FailoverRecord[]>(
      'GET',
      `${this.groupPath(group)}/failovers${q}`,
    );
  }
  getLagHistory(group: string, options: { from?: string; to?: string } = {}) {
    const q = new URLSearchParams();
    if (options.from) q.set('from', options.from);
    if (options.to) q.set('to', options.to);
    const qs = q.toString();
    return this.request<LagSample[]>(
      'GET',
      `${this.groupPath(group)}/lag${qs ? `?${qs}` : ''}`,
    );
  }
  getSessionStoreStats(group: string) {
    return this.request<SessionStoreStats | null>(
      'GET',
      `${this.groupPath(group)}/session-store`,
    );
  }
  triggerFailover(group: string, reason: string) {
    return this.request<FailoverRecord>(
      'POST',
      `${this.groupPath(group)}/failover`,
      { reason },
    );
  }

  private groupPath(group: string) {
    return `/groups/${encodeURIComponent(group)}`;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('sentinel');
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
