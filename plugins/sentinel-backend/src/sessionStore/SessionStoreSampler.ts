import {
  KeyFamilyStats,
  SESSION_KEY_PREFIXES,
  SessionKeyPrefix,
  SessionStoreStats,
} from '@fleetdeck/plugin-sentinel-common';
import type { Redis } from 'ioredis';
import { CommandBudget } from './CommandBudget';

export interface SessionStoreSamplerOptions {
  budget: CommandBudget;
  /** Keys to look at per sample at most. */
  sampleKeys: number;
  /** The COUNT hint of each SCAN. */
  scanCount: number;
  now?: () => Date;
}

const familyOf = (key: string): SessionKeyPrefix | undefined =>
  SESSION_KEY_PREFIXES.find(prefix => key.startsWith(prefix));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * The session-store shape of seed 004 (`session:*`, `user_sessions:*`, `refresh_token:*`, `deletion_token:*`):
 * counts estimated from a SCAN sample and the spread of their TTLs. Never KEYS; every command (DBSIZE, each
 * SCAN, each TTL) comes out of the budget, and sampling stops when the budget or the sample size is reached.
 */
export class SessionStoreSampler {
  private readonly now: () => Date;

  constructor(private readonly options: SessionStoreSamplerOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Samples `client`'s node; undefined when this minute's budget is spent. */
  async sample(
    client: Redis,
    group: string,
    node: string,
  ): Promise<SessionStoreStats | undefined> {
    const { budget, sampleKeys, scanCount } = this.options;
    if (budget.take(1) < 1) return undefined;
    let commands = 1;
    const dbSize = Number(await client.dbsize());

    const seen = new Set<string>();
    let cursor = '0';
    let complete = false;
    while (seen.size < sampleKeys && budget.take(1) === 1) {
      const [next, keys] = await client.scan(cursor, 'COUNT', scanCount);
      commands++;
      let taken = 0;
      for (const key of keys) {
        if (seen.size >= sampleKeys) break;
        seen.add(key);
        taken++;
      }
      cursor = next;
      if (cursor === '0') {
        complete = taken === keys.length;
        break;
      }
    }

    const familyKeys = [...seen].filter(key => familyOf(key));
    const withTtl = familyKeys.slice(0, budget.take(familyKeys.length));
    const ttls = new Map<string, number>();
    if (withTtl.length > 0) {
      const pipeline = client.pipeline();
      for (const key of withTtl) pipeline.ttl(key);
      const replies = (await pipeline.exec()) ?? [];
      commands += withTtl.length;
      replies.forEach(([error, ttl], i) => {
        if (!error) ttls.set(withTtl[i], Number(ttl));
      });
    }

    const families: KeyFamilyStats[] = SESSION_KEY_PREFIXES.map(prefix => {
      const keys = familyKeys.filter(key => familyOf(key) === prefix);
      const known = keys.flatMap(key => {
        const ttl = ttls.get(key);
        return ttl === undefined ? [] : [ttl];
      });
      // -1: no expiry; -2: the key expired between SCAN and TTL.
      const expiring = known.filter(ttl => ttl >= 0).sort((a, b) => a - b);
      return {
        prefix,
        sampled: keys.length,
        estimated:
          complete || seen.size === 0
            ? keys.length
            : Math.round((keys.length / seen.size) * dbSize),
        ttlSeconds: expiring.length
          ? {
              p50: percentile(expiring, 50),
              p90: percentile(expiring, 90),
              max: expiring[expiring.length - 1],
            }
          : null,
        withoutTtl: known.filter(ttl => ttl === -1).length,
      };
    });

    return {
      group,
      at: this.now().toISOString(),
      node,
      dbSize,
      sampledKeys: seen.size,
      commands,
      families,
    };
  }
}
