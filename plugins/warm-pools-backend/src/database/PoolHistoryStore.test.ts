import { TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseClock, dbNowMs } from './DatabaseClock';
import { applyMigrations, MIGRATIONS_DIRECTORY } from './migrations';
import { PoolHistoryStore, StoredPoint } from './PoolHistoryStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const POOL = 'pool-1/sessions/warm';
const T0 = Date.parse('2026-12-06T10:00:00.000Z');

function point(
  atMs: number,
  values: Partial<StoredPoint> = {},
  poolId = POOL,
): StoredPoint {
  return {
    poolId,
    at: new Date(atMs).toISOString(),
    target: 4,
    warmReady: 4,
    warmPending: 0,
    assigned: 2,
    sessionsStarted: 0,
    onDemandSessions: 0,
    emptyEvents: 0,
    ...values,
  };
}

const { poolId: _poolId, ...asServed } = point(T0);

describe.each(databases.eachSupportedId())('PoolHistoryStore on %s', id => {
  async function freshStore() {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    return new PoolHistoryStore(knex);
  }

  it('migrates up, down and up again', async () => {
    const knex = await databases.init(id);
    const name = '20261206100000_warm_pools_history.js';
    await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name });
    expect(await knex.schema.hasTable('warm_pools_history')).toBe(true);
    await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name });
    expect(await knex.schema.hasTable('warm_pools_history')).toBe(false);
    await applyMigrations(knex);
    await applyMigrations(knex);
    expect(await knex.schema.hasTable('warm_pools_history_writer')).toBe(true);
    const writer = '20261206120000_warm_pools_history_writer.js';
    await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name: writer });
    expect(await knex.schema.hasTable('warm_pools_history_writer')).toBe(false);
    await applyMigrations(knex);
    expect(await new PoolHistoryStore(knex).hasPool(POOL)).toBe(false);
  });

  it('returns the points of a range at full resolution, oldest first, and only that pool', async () => {
    const store = await freshStore();
    await store.addPoints([
      point(T0 + 20_000, { warmReady: 3, sessionsStarted: 1 }),
      point(T0),
      point(T0 + 10_000, { target: undefined, warmPending: 1 }),
      point(T0 + 30_000),
      point(T0, { warmReady: 1 }, 'pool-1/sessions/other'),
    ]);
    const points = await store.points(POOL, {
      fromMs: T0,
      toMs: T0 + 20_000,
      stepSeconds: 10,
    });
    expect(points).toEqual([
      asServed,
      {
        ...asServed,
        at: '2026-12-06T10:00:10.000Z',
        target: undefined,
        warmPending: 1,
      },
      {
        ...asServed,
        at: '2026-12-06T10:00:20.000Z',
        warmReady: 3,
        sessionsStarted: 1,
      },
    ]);
    expect(await store.hasPool(POOL)).toBe(true);
    expect(await store.hasPool('pool-1/sessions/nothing')).toBe(false);
  });

  it('keeps the first point when replicas write the same pool and interval', async () => {
    const store = await freshStore();
    await Promise.all([
      store.addPoints([point(T0, { warmReady: 4 })]),
      store.addPoints([point(T0, { warmReady: 3 })]),
      store.addPoints([point(T0, { warmReady: 2 })]),
    ]);
    await store.addPoints([point(T0, { warmReady: 1 })]);
    const points = await store.points(POOL, {
      fromMs: T0 - 60_000,
      toMs: T0 + 60_000,
      stepSeconds: 10,
    });
    expect(points).toHaveLength(1);
    expect([4, 3, 2]).toContain(points[0].warmReady);
  });

  it('averages sizes and sums sessions per step for long ranges', async () => {
    const store = await freshStore();
    // Two minutes of points, every 10 s: warm-ready 0…11, one session in every third interval.
    await store.addPoints(
      Array.from({ length: 12 }, (_, i) =>
        point(T0 + i * 10_000, {
          warmReady: i,
          target: i < 6 ? 4 : 6,
          sessionsStarted: i % 3 === 0 ? 1 : 0,
          onDemandSessions: i === 9 ? 1 : 0,
          emptyEvents: i === 9 ? 1 : 0,
        }),
      ),
    );
    const points = await store.points(POOL, {
      fromMs: T0,
      toMs: T0 + 120_000,
      stepSeconds: 60,
    });
    expect(points).toEqual([
      {
        at: '2026-12-06T10:00:00.000Z',
        target: 4,
        warmReady: 2.5,
        warmPending: 0,
        assigned: 2,
        sessionsStarted: 2,
        onDemandSessions: 0,
        emptyEvents: 0,
      },
      {
        at: '2026-12-06T10:01:00.000Z',
        target: 6,
        warmReady: 8.5,
        warmPending: 0,
        assigned: 2,
        sessionsStarted: 2,
        onDemandSessions: 1,
        emptyEvents: 1,
      },
    ]);
  });

  it('writes many pools at once', async () => {
    const store = await freshStore();
    const pools = Array.from({ length: 240 }, (_, i) => `c/ns-${i}/warm`);
    await store.addPoints(pools.map(p => point(T0, {}, p)));
    for (const p of [pools[0], pools[120], pools[239]]) {
      expect(await store.hasPool(p)).toBe(true);
    }
  });

  it('prunes points older than the retention, by the database clock', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new PoolHistoryStore(knex);
    const now = Math.floor((await dbNowMs(knex)) / 10_000) * 10_000;
    await store.addPoints([
      point(now - 8 * 86_400_000),
      point(now - 86_400_000),
      point(now),
    ]);
    expect(await store.prune(7 * 86_400_000)).toBe(1);
    const left = await store.points(POOL, {
      fromMs: 0,
      toMs: now,
      stepSeconds: 10,
    });
    expect(left.map(p => p.at)).toEqual([
      new Date(now - 86_400_000).toISOString(),
      new Date(now).toISOString(),
    ]);
  });

  it("reads the database clock, whatever this host's clock says", async () => {
    const knex = await databases.init(id);
    // Two replicas, one an hour ahead and one ten minutes behind.
    const ahead = await DatabaseClock.create(knex, {
      localNow: () => Date.now() + 3_600_000,
    });
    const behind = await DatabaseClock.create(knex, {
      localNow: () => Date.now() - 600_000,
    });
    const db = await dbNowMs(knex);
    for (const clock of [ahead, behind]) {
      expect(Math.abs(clock.now() - db)).toBeLessThan(2_000);
    }
    expect(Math.abs(ahead.now() - behind.now())).toBeLessThan(2_000);
  });

  it("grants the history writer's lease to one replica at a time, until it expires or is released", async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new PoolHistoryStore(knex);
    const claims = await Promise.all(
      ['a', 'b', 'c'].map(holder => store.claimWriter(holder, 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = ['a', 'b', 'c'][claims.indexOf(true)];
    const other = holder === 'a' ? 'b' : 'a';
    expect(await store.claimWriter(holder, 60_000)).toBe(true);
    expect(await store.claimWriter(other, 60_000)).toBe(false);
    // An expired lease (its holder stopped renewing it) goes to the next claimant.
    expect(await store.claimWriter(holder, -1)).toBe(true);
    expect(await store.claimWriter(other, 60_000)).toBe(true);
    expect(await store.claimWriter(holder, 60_000)).toBe(false);
    await store.releaseWriter(other);
    expect(await store.claimWriter(holder, 60_000)).toBe(true);
  });

  it('tells where the stored history ends', async () => {
    const store = await freshStore();
    expect(await store.latestPointMs()).toBeUndefined();
    await store.addPoints([point(T0), point(T0 + 10_000, {}, 'c/ns/other')]);
    expect(await store.latestPointMs()).toBe(T0 + 10_000);
  });

  it('refuses a step that is not a positive whole number of seconds', async () => {
    const store = await freshStore();
    await expect(
      store.points(POOL, { fromMs: 0, toMs: 1, stepSeconds: 0.0001 }),
    ).rejects.toThrow(RangeError);
  });
});
