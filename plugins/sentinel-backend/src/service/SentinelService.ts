import { NotFoundError } from '@backstage/errors';
import type {
  FailoverRecord,
  GroupTopology,
  LagSample,
  SentinelGroupSummary,
  SessionStoreStats,
} from '@fleetdeck/plugin-sentinel-common';
import type { SentinelGroupConfig } from '../config';
import type { SentinelStore } from '../database/SentinelStore';
import type { SentinelMonitor } from '../monitor/SentinelMonitor';
import { addressOf } from '../redis/replies';

/** Lag history returned when no range is given. */
const DEFAULT_LAG_RANGE_MS = 24 * 3600 * 1000;
/** At most this many lag samples per request (the newest of the range). */
export const LAG_HISTORY_LIMIT = 10_000;

export interface SentinelServiceOptions {
  groups: SentinelGroupConfig[];
  monitors: SentinelMonitor[];
  store: SentinelStore;
}

/** The sentinel domain for the router: groups, their monitors and stored records. No HTTP, no SQL. */
export class SentinelService {
  private readonly groups: Map<string, SentinelGroupConfig>;
  private readonly monitors: Map<string, SentinelMonitor>;

  constructor(private readonly options: SentinelServiceOptions) {
    this.groups = new Map(options.groups.map(g => [g.name, g]));
    this.monitors = new Map(options.monitors.map(m => [m.name, m]));
  }

  listGroups(): SentinelGroupSummary[] {
    return [...this.groups.values()].map(group => ({
      name: group.name,
      masterName: group.masterName,
      sentinels: group.sentinels.map(s => addressOf(s.host, s.port)),
      tls: group.tls !== undefined,
      auth: group.auth !== undefined || group.sentinelAuth !== undefined,
      topology: this.monitor(group.name).topology(),
    }));
  }

  topology(group: string): GroupTopology {
    return this.monitor(group).topology();
  }

  async failovers(group: string, limit: number): Promise<FailoverRecord[]> {
    this.monitor(group);
    return this.options.store.listFailovers(group, limit);
  }

  async lagHistory(
    group: string,
    range: { from?: Date; to?: Date },
  ): Promise<LagSample[]> {
    this.monitor(group);
    const to = range.to ?? new Date();
    const from = range.from ?? new Date(to.getTime() - DEFAULT_LAG_RANGE_MS);
    return this.options.store.lagHistory(group, {
      from: from.toISOString(),
      to: to.toISOString(),
      limit: LAG_HISTORY_LIMIT,
    });
  }

  sessionStore(group: string): SessionStoreStats | null {
    return this.monitor(group).sessionStoreStats();
  }

  triggerFailover(
    group: string,
    request: { reason: string; triggeredBy: string },
  ): Promise<FailoverRecord> {
    return this.monitor(group).triggerFailover(request);
  }

  private monitor(group: string): SentinelMonitor {
    const monitor = this.monitors.get(group);
    if (!monitor) throw new NotFoundError(`no sentinel group named '${group}'`);
    return monitor;
  }
}
