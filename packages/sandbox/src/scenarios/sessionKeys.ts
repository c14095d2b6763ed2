import { Redis } from 'ioredis';

/**
 * Seed 004's session store, as a running service leaves it: sessions with their TTLs, each user's session set,
 * refresh and deletion tokens, and a few keys someone wrote without a TTL (what the dashboard should point at).
 */
export async function seedSessionKeys(
  master: { host: string; port: number },
  options: { users?: number; password?: string } = {},
): Promise<number> {
  const redis = new Redis({
    host: master.host,
    port: master.port,
    password: options.password,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
  });
  await redis.connect();
  try {
    const users = options.users ?? 200;
    const pipeline = redis.pipeline();
    let keys = 0;
    for (let u = 0; u < users; u++) {
      const sessions = 1 + (u % 3);
      for (let s = 0; s < sessions; s++) {
        const id = `${u.toString(36)}-${s}`;
        // Sessions live 30 min, spread so the TTLs are not all the same.
        pipeline.set(
          `session:${id}`,
          JSON.stringify({ user: `u${u}` }),
          'EX',
          600 + ((u * 37 + s * 11) % 1200),
        );
        pipeline.sadd(`user_sessions:u${u}`, id);
        keys += 1;
      }
      pipeline.expire(`user_sessions:u${u}`, 1800);
      pipeline.set(
        `refresh_token:u${u}`,
        `rt-${u}`,
        'EX',
        7 * 24 * 3600 - u * 60,
      );
      keys += 2;
      if (u % 10 === 0) {
        pipeline.set(`deletion_token:u${u}`, `dt-${u}`, 'EX', 900);
        keys += 1;
      }
    }
    // a handful of sessions written without a TTL: they never expire
    for (let i = 0; i < 5; i++) {
      pipeline.set(`session:orphan-${i}`, '{}');
      keys += 1;
    }
    await pipeline.exec();
    return keys;
  } finally {
    redis.disconnect();
  }
}
