import { SentinelTopology } from '@fleetdeck/sandbox';
import { Redis } from 'ioredis';
import { parseInfo } from '../redis/replies';
import { CommandBudget } from './CommandBudget';
import { SessionStoreSampler } from './SessionStoreSampler';

jest.setTimeout(60_000);

/** Calls per command on a node, from INFO commandstats. */
async function commandCalls(client: Redis): Promise<Record<string, number>> {
  const stats = parseInfo(await client.info('commandstats'));
  return Object.fromEntries(
    Object.entries(stats).map(([key, value]) => [
      key.replace(/^cmdstat_/, ''),
      Number(/calls=(\d+)/.exec(value)?.[1] ?? 0),
    ]),
  );
}

describe('SessionStoreSampler on a real replica', () => {
  let topology: SentinelTopology;
  let master: Redis;
  let replica: Redis;
  let replicaAddress: string;

  beforeAll(async () => {
    topology = await SentinelTopology.start({ replicas: 1, sentinels: 1 });
    const node = (name: string) => topology.nodes.find(n => n.name === name)!;
    master = new Redis({ port: node('master-0').port, host: '127.0.0.1' });
    replica = new Redis({ port: node('replica-0').port, host: '127.0.0.1' });
    replicaAddress = `127.0.0.1:${node('replica-0').port}`;
    const write = master.pipeline();
    for (let i = 0; i < 300; i++)
      write.set(`session:${i}`, 'x', 'EX', 1800 + i);
    for (let i = 0; i < 50; i++) write.sadd(`user_sessions:${i}`, `s${i}`);
    for (let i = 0; i < 100; i++)
      write.set(`refresh_token:${i}`, 'x', 'EX', 86400);
    for (let i = 0; i < 20; i++)
      write.set(`deletion_token:${i}`, 'x', 'EX', 600);
    for (let i = 0; i < 230; i++) write.set(`cache:${i}`, 'x');
    await write.exec();
    // WAIT: the writes have reached the replica.
    if ((await master.call('WAIT', '1', '5000')) !== 1) {
      throw new Error('the replica did not acknowledge the writes');
    }
    await replica.config('RESETSTAT');
  });

  afterAll(async () => {
    master?.disconnect();
    replica?.disconnect();
    await topology?.stop();
  });

  it('counts each key family and its TTL spread with SCAN, never KEYS', async () => {
    const sampler = new SessionStoreSampler({
      budget: new CommandBudget(10_000),
      sampleKeys: 10_000,
      scanCount: 100,
      now: () => new Date('2026-12-01T10:00:00.000Z'),
    });
    const stats = await sampler.sample(
      replica,
      'session-store',
      replicaAddress,
    );

    expect(stats).toMatchObject({
      group: 'session-store',
      at: '2026-12-01T10:00:00.000Z',
      node: replicaAddress,
      dbSize: 700,
      sampledKeys: 700,
    });
    const family = (prefix: string) =>
      stats!.families.find(f => f.prefix === prefix)!;
    expect(family('session:')).toMatchObject({
      sampled: 300,
      estimated: 300,
      withoutTtl: 0,
    });
    expect(family('session:').ttlSeconds!.p50).toBeGreaterThanOrEqual(1800);
    expect(family('session:').ttlSeconds!.max).toBeLessThanOrEqual(2099);
    expect(family('user_sessions:')).toEqual({
      prefix: 'user_sessions:',
      sampled: 50,
      estimated: 50,
      ttlSeconds: null,
      withoutTtl: 50,
    });
    expect(family('refresh_token:')).toMatchObject({
      sampled: 100,
      withoutTtl: 0,
    });
    expect(family('refresh_token:').ttlSeconds!.p90).toBeGreaterThan(86000);
    expect(family('deletion_token:')).toMatchObject({ sampled: 20 });

    const calls = await commandCalls(replica);
    expect(calls.keys).toBeUndefined();
    expect(calls.ttl).toBe(470);
    expect(stats!.commands).toBe(1 + calls.scan + calls.ttl);
  });

  it('spends no more commands per minute than its budget, and estimates from the sample it could afford', async () => {
    let now = Date.parse('2026-12-01T10:00:00.000Z');
    const sampler = new SessionStoreSampler({
      budget: new CommandBudget(40, () => now),
      sampleKeys: 200,
      scanCount: 50,
    });
    await replica.config('RESETSTAT');
    const first = await sampler.sample(
      replica,
      'session-store',
      replicaAddress,
    );
    expect(first!.commands).toBeLessThanOrEqual(40);
    expect(first!.sampledKeys).toBeGreaterThan(0);
    expect(first!.sampledKeys).toBeLessThanOrEqual(200);
    for (const f of first!.families) {
      expect(f.estimated).toBe(
        Math.round((f.sampled / first!.sampledKeys) * 700),
      );
    }
    // The budget is spent for this minute: nothing is sent.
    expect(
      await sampler.sample(replica, 'session-store', replicaAddress),
    ).toBeUndefined();
    const calls = await commandCalls(replica);
    expect((calls.dbsize ?? 0) + (calls.scan ?? 0) + (calls.ttl ?? 0)).toBe(
      first!.commands,
    );

    now += 60_000;
    expect(
      await sampler.sample(replica, 'session-store', replicaAddress),
    ).toBeDefined();
  });
});
