import { PluginClientOptions, PluginRequester } from '@fleetdeck/common';
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
  private readonly http: PluginRequester;

  constructor(options: PluginClientOptions) {
    this.http = new PluginRequester('sentinel', options);
  }

  listGroups() {
    return this.http.request<SentinelGroupSummary[]>('GET', '/groups');
  }
  getTopology(group: string) {
    return this.http.request<GroupTopology>(
      'GET',
      `${this.groupPath(group)}/topology`,
    );
  }
  listFailovers(group: string, options: { limit?: number } = {}) {
    const q = options.limit ? `?limit=${options.limit}` : '';
    return this.http.request<FailoverRecord[]>(
      'GET',
      `${this.groupPath(group)}/failovers${q}`,
    );
  }
  getLagHistory(group: string, options: { from?: string; to?: string } = {}) {
    const q = new URLSearchParams();
    if (options.from) q.set('from', options.from);
    if (options.to) q.set('to', options.to);
    const qs = q.toString();
    return this.http.request<LagSample[]>(
      'GET',
      `${this.groupPath(group)}/lag${qs ? `?${qs}` : ''}`,
    );
  }
  getSessionStoreStats(group: string) {
    return this.http.request<SessionStoreStats | null>(
      'GET',
      `${this.groupPath(group)}/session-store`,
    );
  }
  triggerFailover(group: string, reason: string) {
    return this.http.request<FailoverRecord>(
      'POST',
      `${this.groupPath(group)}/failover`,
      { reason },
    );
  }

  private groupPath(group: string) {
    return `/groups/${encodeURIComponent(group)}`;
  }
}
