import { Redis } from 'ioredis';
import { SentinelTopology } from '../redis';
import { seedSessionKeys } from './sessionKeys';

describe('seedSessionKeys', () => {
  let topology: SentinelTopology;

  beforeAll(async () => {
    topology = await SentinelTopology.start({
      masterName: 'sessions',
      replicas: 0,
      sentinels: 1,
    });
  });

  afterAll(async () => {
    await topology?.stop();
  });

  it("writes seed 004's key families, with TTLs except on a few orphans", async () => {
    const master = await topology.currentMaster();
    const written = await seedSessionKeys(master, { users: 30 });
    const redis = new Redis({ host: master.host, port: master.port });
    try {
      expect(await redis.dbsize()).toBe(written);
      const count = async (pattern: string) => {
        let cursor = '0';
        let n = 0;
        do {
          const [next, keys] = await redis.scan(
            cursor,
            'MATCH',
            pattern,
            'COUNT',
            500,
          );
          cursor = next;
          n += keys.length;
        } while (cursor !== '0');
        return n;
      };
      expect(await count('user_sessions:*')).toBe(30);
      expect(await count('refresh_token:*')).toBe(30);
      expect(await count('deletion_token:*')).toBe(3);
      // 10 users each with 1, 2 and 3 sessions, and 5 orphans
      expect(await count('session:*')).toBe(65);
      expect(await redis.ttl('session:orphan-0')).toBe(-1);
      expect(await redis.ttl('refresh_token:u1')).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
