import { TestDatabases } from '@backstage/backend-test-utils';
import type { StoredFailover } from '../failover/merge';
import { applyMigrations, MIGRATIONS_DIRECTORY } from './migrations';
import { SentinelStore } from './SentinelStore';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const base: StoredFailover = {
  id: 'f1',
  group: 'session-store',
  masterName: 'sessions',
  oldMaster: '127.0.0.1:6379',
  epoch: 4,
  status: 'in-progress',
  trigger: 'detected',
  startedAt: '2026-12-01T10:00:00.100Z',
  phases: [
    { phase: 'sdown', at: '2026-12-01T10:00:00.100Z', sentinel: 's1' },
    { phase: 'odown', at: '2026-12-01T10:00:00.200Z', sentinel: 's1' },
    { phase: 'leader-elected', at: '2026-12-01T10:00:00.300Z', sentinel: 's1' },
  ],
};

describe.each(databases.eachSupportedId())('SentinelStore on %s', id => {
  it('migrates up, down and up again', async () => {
    const knex = await databases.init(id);
    const name = '20261201100000_sentinel.js';
    await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name });
    expect(await knex.schema.hasTable('sentinel_failovers')).toBe(true);
    expect(await knex.schema.hasTable('sentinel_lag_samples')).toBe(true);
    await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name });
    expect(await knex.schema.hasTable('sentinel_failovers')).toBe(false);
    await applyMigrations(knex);
    // The epoch key and the version column come and go with their own migration.
    const keyed = '20261204120000_failover_epoch_key.js';
    await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name: keyed });
    expect(await knex.schema.hasColumn('sentinel_failovers', 'version')).toBe(
      false,
    );
    await applyMigrations(knex);
    await applyMigrations(knex);
    expect(await knex.schema.hasColumn('sentinel_failovers', 'version')).toBe(
      true,
    );
    expect(await new SentinelStore(knex).listFailovers('x', 10)).toEqual([]);
  });

  it('merges what two observers saw of one failover into one record', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);

    await store.saveFailover(base);
    // The second replica saw sdown later, but saw the promotion and the end, and knows who triggered it.
    const merged = await store.saveFailover({
      ...base,
      status: 'completed',
      newMaster: '127.0.0.1:6380',
      trigger: 'manual',
      triggeredBy: 'user:default/ada',
      reason: 'game day',
      startedAt: '2026-12-01T10:00:00.150Z',
      endedAt: '2026-12-01T10:00:03.100Z',
      phases: [
        {
          phase: 'failover-end',
          at: '2026-12-01T10:00:03.100Z',
          sentinel: 's1',
        },
        { phase: 'sdown', at: '2026-12-01T10:00:00.150Z', sentinel: 's2' },
        {
          phase: 'replica-promoted',
          at: '2026-12-01T10:00:02.000Z',
          sentinel: 's1',
        },
      ],
    });
    const expected = {
      id: 'f1',
      group: 'session-store',
      masterName: 'sessions',
      oldMaster: '127.0.0.1:6379',
      newMaster: '127.0.0.1:6380',
      status: 'completed',
      trigger: 'manual',
      triggeredBy: 'user:default/ada',
      reason: 'game day',
      startedAt: '2026-12-01T10:00:00.100Z',
      endedAt: '2026-12-01T10:00:03.100Z',
      durationMs: 3000,
      phases: [
        { phase: 'sdown', at: '2026-12-01T10:00:00.100Z', sentinel: 's1' },
        { phase: 'odown', at: '2026-12-01T10:00:00.200Z', sentinel: 's1' },
        {
          phase: 'leader-elected',
          at: '2026-12-01T10:00:00.300Z',
          sentinel: 's1',
        },
        {
          phase: 'replica-promoted',
          at: '2026-12-01T10:00:02.000Z',
          sentinel: 's1',
        },
        {
          phase: 'failover-end',
          at: '2026-12-01T10:00:03.100Z',
          sentinel: 's1',
        },
      ],
    };
    expect(merged).toEqual({ ...expected, epoch: 4 });
    // A stale in-progress write from a slow replica changes nothing.
    await store.saveFailover(base);
    expect(await store.listFailovers('session-store', 10)).toEqual([expected]);
    expect(await store.getFailover('f1')).toEqual(expected);
  });

  it('keeps one row when replicas write the same failover at the same time', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    const phases = [
      'sdown',
      'odown',
      'try-failover',
      'leader-elected',
      'replica-selected',
      'replica-promoted',
    ] as const;
    await Promise.all(
      phases.map((phase, i) =>
        store.saveFailover({
          ...base,
          epoch: 9,
          phases: [
            { phase, at: `2026-12-01T10:00:0${i}.000Z`, sentinel: `s${i}` },
          ],
        }),
      ),
    );
    const [record, ...others] = await store.listFailovers('session-store', 10);
    expect(others).toEqual([]);
    expect(record.phases.map(p => p.phase)).toEqual(phases);
  });

  it('never turns a finished record into a timed-out one, whichever replica writes after', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    await store.saveFailover(base);
    const completed: StoredFailover = {
      ...base,
      status: 'completed',
      newMaster: '127.0.0.1:6380',
      endedAt: '2026-12-01T10:00:03.000Z',
      phases: [
        ...base.phases,
        {
          phase: 'switch-master',
          at: '2026-12-01T10:00:02.000Z',
          sentinel: 's2',
        },
        {
          phase: 'failover-end',
          at: '2026-12-01T10:00:03.000Z',
          sentinel: 's1',
        },
      ],
    };
    await store.saveFailover(completed);
    // A replica that lost sight of the failover gives up on it, minutes later.
    const late = await store.saveFailover({
      ...base,
      status: 'timed-out',
      endedAt: '2026-12-01T10:05:00.000Z',
      phases: [
        ...base.phases,
        {
          phase: 'replica-selected',
          at: '2026-12-01T10:00:01.000Z',
          sentinel: 's1',
        },
      ],
    });
    const stored = await store.getFailover('f1');
    expect(late).toMatchObject({
      status: 'completed',
      endedAt: completed.endedAt,
    });
    expect(stored).toMatchObject({
      status: 'completed',
      endedAt: completed.endedAt,
    });
    // What the late replica saw still counts: one record with the union of phases.
    expect(stored!.phases.map(p => p.phase)).toEqual([
      'sdown',
      'odown',
      'leader-elected',
      'replica-selected',
      'switch-master',
      'failover-end',
    ]);
  });

  it('lets the first replica to end a record decide how it ended, when two end it at once', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    // Without a conditional update both would read "in progress" and the second would overwrite the first.
    for (let epoch = 10; epoch < 20; epoch++) {
      const open = { ...base, id: `f${epoch}`, epoch };
      await store.saveFailover(open);
      const results = await Promise.all([
        store.saveFailover({
          ...open,
          status: 'completed',
          endedAt: '2026-12-01T10:00:03.000Z',
        }),
        store.saveFailover({
          ...open,
          status: 'timed-out',
          endedAt: '2026-12-01T10:05:00.000Z',
        }),
      ]);
      const stored = await store.getFailover(`f${epoch}`);
      expect({ epoch, returned: results.map(r => r.status) }).toEqual({
        epoch,
        returned: [stored!.status, stored!.status],
      });
      expect(stored!.status).not.toBe('in-progress');
    }
  });

  it('keeps one row per group and epoch, and folds a failover taken over in a new epoch into it', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    // Two replicas spell the old master differently: still one failover.
    await store.saveFailover(base);
    await store.saveFailover({
      ...base,
      id: 'f1',
      oldMaster: 'localhost:6379',
    });
    expect(await store.listFailovers('session-store', 10)).toHaveLength(1);

    // The leader of epoch 4 died; another sentinel took the failover over in epoch 5.
    const takenOver = await store.saveFailover(
      {
        ...base,
        epoch: 5,
        phases: [
          ...base.phases,
          {
            phase: 'replica-selected',
            at: '2026-12-01T10:00:20.000Z',
            sentinel: 's2',
          },
        ],
      },
      { supersedes: [4] },
    );
    expect(takenOver).toMatchObject({ id: 'f1', epoch: 5 });
    // A replica that saw only the first attempt writes it late: it lands in the same record.
    await store.saveFailover({
      ...base,
      phases: [
        {
          phase: 'try-failover',
          at: '2026-12-01T10:00:00.250Z',
          sentinel: 's1',
        },
      ],
    });
    const rows = await knex('sentinel_failovers').select('id', 'epoch');
    expect(rows.map(r => [r.id, Number(r.epoch)])).toEqual([['f1', 5]]);
    expect((await store.getFailover('f1'))!.phases.map(p => p.phase)).toEqual([
      'sdown',
      'odown',
      'try-failover',
      'leader-elected',
      'replica-selected',
    ]);

    // When a replica that saw only the new epoch stored it first, the old attempt is folded into its row.
    await store.saveFailover({ ...base, id: 'g7', epoch: 7 });
    await store.saveFailover({ ...base, id: 'g8', epoch: 8, phases: [] });
    await store.saveFailover(
      { ...base, id: 'g7', epoch: 8 },
      { supersedes: [7] },
    );
    const later = await knex('sentinel_failovers')
      .where('epoch', '>', 5)
      .select('id', 'epoch');
    expect(later.map(r => [r.id, Number(r.epoch)])).toEqual([['g8', 8]]);
    expect((await store.getFailover('g8'))!.phases).toHaveLength(3);

    // An attempt that already ended is a failover of its own, not folded.
    await store.saveFailover({
      ...base,
      id: 'h9',
      epoch: 9,
      status: 'timed-out',
    });
    await store.saveFailover(
      { ...base, id: 'h10', epoch: 10 },
      { supersedes: [9] },
    );
    expect(await store.getFailover('h9')).toMatchObject({
      status: 'timed-out',
    });
    expect(await store.getFailover('h10')).toMatchObject({
      status: 'in-progress',
    });
  });

  it('lists the records not ended yet, of one group', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    await store.saveFailover(base);
    await store.saveFailover({
      ...base,
      id: 'f5',
      epoch: 5,
      status: 'completed',
    });
    await store.saveFailover({ ...base, id: 'g4', group: 'other' });
    expect(
      (await store.listOpenFailovers('session-store')).map(f => [
        f.id,
        f.epoch,
      ]),
    ).toEqual([['f1', 4]]);
  });

  it('lists failovers of one group, newest first, up to the limit', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    for (const epoch of [1, 2, 3]) {
      await store.saveFailover({
        ...base,
        id: `e${epoch}`,
        epoch,
        startedAt: `2026-12-0${epoch}T10:00:00.000Z`,
      });
    }
    await store.saveFailover({ ...base, id: 'other', group: 'other' });
    expect(
      (await store.listFailovers('session-store', 2)).map(f => f.id),
    ).toEqual(['e3', 'e2']);
  });

  it('stores lag samples once per interval, returns a range oldest first, and prunes old ones', async () => {
    const knex = await databases.init(id);
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    const sample = (at: string, replica: string, lagBytes: number) => ({
      at,
      replica,
      lagBytes,
      lagSeconds: lagBytes / 1000,
    });
    await store.addLagSamples('g', [
      sample('2026-12-01T10:00:00.000Z', 'r2', 10),
      sample('2026-12-01T10:00:00.000Z', 'r1', 5_000_000_000),
      sample('2026-12-01T10:00:10.000Z', 'r1', 0),
    ]);
    // Another replica samples the same interval.
    await store.addLagSamples('g', [
      sample('2026-12-01T10:00:00.000Z', 'r1', 7),
    ]);
    await store.addLagSamples('g', []);

    expect(
      await store.lagHistory('g', {
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
        limit: 100,
      }),
    ).toEqual([
      sample('2026-12-01T10:00:00.000Z', 'r1', 5_000_000_000),
      sample('2026-12-01T10:00:00.000Z', 'r2', 10),
      sample('2026-12-01T10:00:10.000Z', 'r1', 0),
    ]);
    expect(
      await store.lagHistory('g', {
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
        limit: 1,
      }),
    ).toEqual([sample('2026-12-01T10:00:10.000Z', 'r1', 0)]);

    expect(await store.pruneLag(new Date('2026-12-01T10:00:05.000Z'))).toBe(2);
    expect(
      await store.lagHistory('g', {
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
        limit: 100,
      }),
    ).toHaveLength(1);
  });
});
