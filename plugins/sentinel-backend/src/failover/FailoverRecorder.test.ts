import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  FAILOVER_PHASES,
  FailoverRecord,
} from '@fleetdeck/plugin-sentinel-common';
import { Knex } from 'knex';
import { applyMigrations } from '../database/migrations';
import { SentinelStore } from '../database/SentinelStore';
import { parseSentinelEvent, SentinelEvent } from '../monitor/events';
import {
  KILLED_MASTER,
  LEADER_DIED,
  MANUAL_FAILOVER,
} from './__fixtures__/sentinelEvents';
import type { SentinelMasterView } from './reconcile';
import { failoverId, FailoverRecorder } from './FailoverRecorder';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const START = Date.parse('2026-12-01T10:00:00.000Z');
const SENTINELS: Record<string, string> = {
  s0: '127.0.0.1:26379',
  s1: '127.0.0.1:26380',
  s2: '127.0.0.1:26381',
};
const iso = (ms: number) => new Date(START + ms).toISOString();

/** Fixture lines → events; `shiftMs` delays them, as for a second backend replica further away. */
function events(text: string, shiftMs = 0): SentinelEvent[] {
  return text
    .trim()
    .split('\n')
    .map(line => {
      const [ms, sentinel, channel, ...message] = line.split(' ');
      return parseSentinelEvent(
        channel,
        message.join(' '),
        SENTINELS[sentinel],
        new Date(START + Number(ms) + shiftMs),
      );
    });
}

describe('FailoverRecorder', () => {
  let knex: Knex;
  let store: SentinelStore;
  let clock: number;
  let changes: FailoverRecord[];

  function recorder(
    options: Partial<ConstructorParameters<typeof FailoverRecorder>[0]> = {},
  ) {
    return new FailoverRecorder({
      group: 'session-store',
      masterName: 'sessions',
      sink: store,
      logger: mockServices.logger.mock(),
      staleAfterMs: 60_000,
      now: () => new Date(clock),
      onChange: record => changes.push(record),
      ...options,
    });
  }

  function feed(target: FailoverRecorder, list: SentinelEvent[]) {
    for (const event of list) {
      clock = event.at.getTime();
      target.handle(event);
    }
  }

  beforeEach(async () => {
    knex = await databases.init('SQLITE_3');
    await applyMigrations(knex);
    store = new SentinelStore(knex);
    clock = START;
    changes = [];
  });

  it('records a killed master as one failover with every phase in order', async () => {
    const subject = recorder();
    feed(subject, events(KILLED_MASTER));
    await subject.flush();

    const records = await store.listFailovers('session-store', 10);
    expect(records).toEqual([
      {
        id: failoverId('session-store', 1),
        group: 'session-store',
        masterName: 'sessions',
        oldMaster: '127.0.0.1:6379',
        newMaster: '127.0.0.1:6380',
        status: 'completed',
        trigger: 'detected',
        startedAt: iso(2559),
        endedAt: iso(4859),
        durationMs: 4859 - 2559,
        phases: [
          { phase: 'sdown', at: iso(2559), sentinel: SENTINELS.s1 },
          { phase: 'odown', at: iso(2654), sentinel: SENTINELS.s0 },
          { phase: 'try-failover', at: iso(2655), sentinel: SENTINELS.s0 },
          { phase: 'leader-elected', at: iso(2731), sentinel: SENTINELS.s0 },
          { phase: 'replica-selected', at: iso(2787), sentinel: SENTINELS.s0 },
          { phase: 'replica-promoted', at: iso(3710), sentinel: SENTINELS.s0 },
          { phase: 'reconf-replicas', at: iso(3710), sentinel: SENTINELS.s0 },
          { phase: 'switch-master', at: iso(3795), sentinel: SENTINELS.s2 },
          { phase: 'failover-end', at: iso(4859), sentinel: SENTINELS.s0 },
        ],
      },
    ]);
    // One change per phase, each after the first with the record's id.
    expect(changes.map(c => c.phases.at(-1)?.phase)).toEqual([
      ...FAILOVER_PHASES,
    ]);
    expect(changes.slice(3).every(c => c.id === records[0].id)).toBe(true);
    expect(subject.inProgress()).toEqual([]);
  });

  it('writes one record when two backend replicas record the same failover', async () => {
    const first = recorder();
    const second = recorder();
    const all = events(KILLED_MASTER);
    // The second replica hears s0 late and missed s1's first +sdown.
    const late = events(KILLED_MASTER, 40).slice(1);
    for (let i = 0; i < all.length; i++) {
      clock = all[i].at.getTime();
      first.handle(all[i]);
      if (late[i]) second.handle(late[i]);
    }
    await Promise.all([first.flush(), second.flush()]);

    const records = await store.listFailovers('session-store', 10);
    expect(records).toHaveLength(1);
    expect(records[0].phases[0]).toEqual({
      phase: 'sdown',
      at: iso(2559),
      sentinel: SENTINELS.s1,
    });
    expect(records[0].phases).toHaveLength(9);
  });

  it('records who asked for a manual failover and why, and hands the stored record to the request', async () => {
    const subject = recorder();
    feed(subject, events(KILLED_MASTER));
    const expected = subject.expectManual({
      oldMaster: '127.0.0.1:6380',
      triggeredBy: 'user:default/ada',
      reason: 'game day',
      at: new Date(START + 20_620),
    });
    feed(subject, events(MANUAL_FAILOVER));
    const returned = await expected.record;
    await subject.flush();

    const [manual, detected] = await store.listFailovers('session-store', 10);
    expect(detected.trigger).toBe('detected');
    expect(manual).toMatchObject({
      id: failoverId('session-store', 2),
      oldMaster: '127.0.0.1:6380',
      newMaster: '127.0.0.1:6381',
      trigger: 'manual',
      triggeredBy: 'user:default/ada',
      reason: 'game day',
      status: 'completed',
      startedAt: iso(20_620),
      endedAt: iso(22_897),
    });
    // No sdown or odown: Sentinel was asked, it did not detect anything.
    expect(manual.phases.map(p => p.phase)).toEqual(FAILOVER_PHASES.slice(2));
    expect(returned).toMatchObject({
      id: manual.id,
      trigger: 'manual',
      triggeredBy: 'user:default/ada',
      reason: 'game day',
    });
  });

  it('does not take a cancelled request for the next failover', async () => {
    const subject = recorder();
    feed(subject, events(KILLED_MASTER));
    subject
      .expectManual({
        oldMaster: '127.0.0.1:6380',
        triggeredBy: 'user:default/ada',
        reason: 'refused by Sentinel',
        at: new Date(START + 20_000),
      })
      .cancel();
    feed(subject, events(MANUAL_FAILOVER));
    await subject.flush();
    const [latest] = await store.listFailovers('session-store', 1);
    expect(latest.trigger).toBe('detected');
    expect(latest.reason).toBeUndefined();
  });

  it('records nothing when the master was only briefly unreachable', async () => {
    const subject = recorder();
    feed(
      subject,
      events(`
100 s0 +sdown master sessions 127.0.0.1 6379
120 s1 +sdown master sessions 127.0.0.1 6379
300 s0 -sdown master sessions 127.0.0.1 6379
310 s1 -sdown master sessions 127.0.0.1 6379
`),
    );
    await subject.flush();
    expect(await store.listFailovers('session-store', 10)).toEqual([]);
    expect(subject.inProgress()).toEqual([]);
  });

  it('ignores other masters, replicas and sentinels going down, and forgets a stray +sdown of a replaced master', async () => {
    const subject = recorder();
    feed(
      subject,
      events(`
100 s0 +sdown master other 127.0.0.1 7000
110 s0 +sdown slave 127.0.0.1:6381 127.0.0.1 6381 @ sessions 127.0.0.1 6379
120 s0 +sdown sentinel abc 127.0.0.1 26380 @ sessions 127.0.0.1 6379
130 s2 +sdown master sessions 127.0.0.1 6379
`),
    );
    subject.sweep('127.0.0.1:6380');
    subject.sweep('127.0.0.1:6380');
    // Were the suspicion still open, this later failover of 6379 would start at 130 ms.
    feed(subject, events(KILLED_MASTER));
    await subject.flush();
    const [record] = await store.listFailovers('session-store', 10);
    expect(record.startedAt).toBe(iso(2559));
    expect(changes.every(c => c.oldMaster === '127.0.0.1:6379')).toBe(true);
  });

  it('takes the epoch from the master a sentinel reports after the switch when it missed the start', async () => {
    const tail = events(KILLED_MASTER).filter(
      e => e.at.getTime() >= START + 3795,
    );
    const subject = recorder({
      currentMaster: async () => ({ address: '127.0.0.1:6380', epoch: 1 }),
    });
    feed(subject, tail);
    await subject.flush();
    const [record] = await store.listFailovers('session-store', 10);
    expect(record).toMatchObject({
      id: failoverId('session-store', 1),
      newMaster: '127.0.0.1:6380',
      status: 'completed',
      startedAt: iso(3795),
    });
    expect(record.phases.map(p => p.phase)).toEqual([
      'switch-master',
      'failover-end',
    ]);

    // The master has changed again since: its epoch is another failover's, so nothing is stored.
    await knex('sentinel_failovers').delete();
    const late = recorder({
      currentMaster: async () => ({ address: '127.0.0.1:6381', epoch: 2 }),
    });
    feed(late, tail);
    await late.flush();
    expect(await store.listFailovers('session-store', 10)).toEqual([]);
  });

  it('ends a failover Sentinel aborted after the election, and one nothing was heard of since', async () => {
    const subject = recorder();
    const start = events(KILLED_MASTER).filter(
      e => e.at.getTime() <= START + 2787,
    );
    feed(subject, start);
    feed(
      subject,
      events(
        '12800 s0 -failover-abort-no-good-slave master sessions 127.0.0.1 6379',
      ),
    );
    await subject.flush();
    expect(await store.listFailovers('session-store', 10)).toMatchObject([
      {
        status: 'timed-out',
        endedAt: iso(12_800),
        newMaster: '127.0.0.1:6380',
      },
    ]);

    await knex('sentinel_failovers').delete();
    const stale = recorder();
    feed(stale, start);
    expect(stale.inProgress()).toHaveLength(1);
    clock = START + 2787 + 60_001;
    stale.sweep('127.0.0.1:6379');
    await stale.flush();
    expect(await store.listFailovers('session-store', 10)).toMatchObject([
      { status: 'timed-out', endedAt: iso(2787) },
    ]);
    expect(stale.inProgress()).toEqual([]);
  });

  it('marks a failover that ended for timeout as timed out', async () => {
    const subject = recorder();
    const list = events(KILLED_MASTER);
    const end = list.findIndex(e => e.name === '+failover-end');
    feed(subject, list.slice(0, end));
    feed(
      subject,
      events(
        '4858 s0 +failover-end-for-timeout master sessions 127.0.0.1 6379',
      ),
    );
    feed(subject, list.slice(end));
    await subject.flush();
    expect(await store.listFailovers('session-store', 10)).toMatchObject([
      { status: 'timed-out', endedAt: iso(4859) },
    ]);
  });

  it('records one failover when the leader dies and another sentinel takes it over in a new epoch', async () => {
    const watching = recorder();
    // A replica started while the first leader was already dead: it sees only the second election.
    const late = recorder();
    for (const event of events(LEADER_DIED)) {
      clock = event.at.getTime();
      watching.handle(event);
      if (clock >= START + 22_731) late.handle(event);
    }
    await Promise.all([watching.flush(), late.flush()]);

    const records = await store.listFailovers('session-store', 10);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      oldMaster: '127.0.0.1:6379',
      newMaster: '127.0.0.1:6380',
      status: 'completed',
      startedAt: iso(2559),
      endedAt: iso(24_800),
    });
    expect(records[0].phases.map(p => p.phase)).toEqual([...FAILOVER_PHASES]);
    // The first election is the one that counts for when the leader was elected.
    expect(records[0].phases[3]).toEqual({
      phase: 'leader-elected',
      at: iso(2731),
      sentinel: SENTINELS.s0,
    });
    const [row] = await knex('sentinel_failovers').select('epoch');
    expect(Number(row.epoch)).toBe(2);
  });

  describe('reconciling with the sentinels', () => {
    /** What a replica stopped right after the election left in the store. */
    async function leftOpen() {
      const stopped = recorder();
      feed(
        stopped,
        events(KILLED_MASTER).filter(e => e.at.getTime() <= START + 2731),
      );
      await stopped.flush();
      const open = await store.listOpenFailovers('session-store');
      expect(open).toHaveLength(1);
      return open;
    }
    const view = (
      sentinel: string,
      master: string,
      configEpoch: number,
      more: Partial<SentinelMasterView> = {},
    ): SentinelMasterView => ({
      sentinel,
      master,
      configEpoch,
      failoverInProgress: false,
      masterDown: false,
      ...more,
    });

    it('completes a failover that ended while no backend watched, naming the phases nobody saw', async () => {
      const open = await leftOpen();
      clock = START + 90_000;
      const restarted = recorder();
      await restarted.reconcile(open, [
        // A sentinel that has not learnt the new configuration yet is outvoted by the newest one.
        view(SENTINELS.s0, '127.0.0.1:6379', 0),
        view(SENTINELS.s1, '127.0.0.1:6380', 1),
      ]);
      const [record] = await store.listFailovers('session-store', 10);
      expect(record).toMatchObject({
        id: open[0].id,
        status: 'completed',
        newMaster: '127.0.0.1:6380',
        endedAt: iso(90_000),
        unobservedPhases: [
          'replica-selected',
          'replica-promoted',
          'reconf-replicas',
          'switch-master',
          'failover-end',
        ],
        outcome: expect.stringContaining(
          "127.0.0.1:6380 is the master at this failover's configuration epoch 1",
        ),
      });
      expect(record.phases.map(p => p.phase)).toEqual([
        'sdown',
        'odown',
        'try-failover',
        'leader-elected',
      ]);
      expect(await store.listOpenFailovers('session-store')).toEqual([]);
      expect(changes.at(-1)).toMatchObject({ status: 'completed' });
    });

    it('keeps following a failover still under way, and its events complete the stored record', async () => {
      const open = await leftOpen();
      const restarted = recorder();
      clock = START + 2800;
      await restarted.reconcile(open, [
        view(SENTINELS.s0, '127.0.0.1:6379', 0, {
          failoverInProgress: true,
          failoverState: 'wait_promotion',
          masterDown: true,
        }),
      ]);
      expect(await store.listOpenFailovers('session-store')).toHaveLength(1);
      expect(restarted.inProgress()).toHaveLength(1);

      feed(
        restarted,
        events(KILLED_MASTER).filter(e => e.at.getTime() > START + 2800),
      );
      await restarted.flush();
      const records = await store.listFailovers('session-store', 10);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        id: open[0].id,
        status: 'completed',
        endedAt: iso(4859),
      });
      // Nobody heard the replica being selected: between the stop and the restart.
      expect(records[0].unobservedPhases).toEqual(['replica-selected']);
      expect(records[0].phases.map(p => p.phase)).toEqual(
        FAILOVER_PHASES.filter(p => p !== 'replica-selected'),
      );
    });

    it('keeps a failover whose master is still seen down open: a sentinel will try again', async () => {
      const open = await leftOpen();
      clock = START + 15_000;
      await recorder().reconcile(open, [
        view(SENTINELS.s1, '127.0.0.1:6379', 0, { masterDown: true }),
      ]);
      expect(await store.listOpenFailovers('session-store')).toHaveLength(1);
    });

    it('times out a failover Sentinel gave up on, and one no sentinel can tell about for too long, saying why', async () => {
      let open = await leftOpen();
      clock = START + 30_000;
      await recorder().reconcile(open, [
        view(SENTINELS.s1, '127.0.0.1:6379', 0),
      ]);
      expect(await store.listFailovers('session-store', 10)).toMatchObject([
        {
          status: 'timed-out',
          outcome: expect.stringContaining(
            'Sentinel gave up: 127.0.0.1:6379 is still the master',
          ),
        },
      ]);

      await knex('sentinel_failovers').delete();
      open = await leftOpen();
      clock = START + 2731 + 30_000;
      await recorder().reconcile(open, []);
      expect(await store.listOpenFailovers('session-store')).toHaveLength(1);
      clock = START + 2731 + 60_001;
      await recorder().reconcile(open, []);
      expect(await store.listFailovers('session-store', 10)).toMatchObject([
        {
          status: 'timed-out',
          outcome: expect.stringContaining('no sentinel answered for 60 s'),
        },
      ]);
    });

    it('leaves a failover it follows live to its events', async () => {
      const live = recorder();
      feed(
        live,
        events(KILLED_MASTER).filter(e => e.at.getTime() <= START + 2731),
      );
      await live.flush();
      const open = await store.listOpenFailovers('session-store');
      await live.reconcile(open, [view(SENTINELS.s1, '127.0.0.1:6379', 0)]);
      expect(await store.listOpenFailovers('session-store')).toHaveLength(1);
      expect(live.inProgress()).toHaveLength(1);
    });
  });

  it('keeps writing when the database fails once', async () => {
    let failures = 1;
    const subject = recorder({
      sink: {
        saveFailover: async record => {
          if (failures-- > 0) throw new Error('database unavailable');
          return store.saveFailover(record);
        },
      },
    });
    feed(subject, events(KILLED_MASTER));
    await subject.flush();
    const [record] = await store.listFailovers('session-store', 10);
    expect(record.phases).toHaveLength(9);
  });
});

describe('FailoverRecorder and a sentinel back from a long outage', () => {
  it('does not take its jump over two failovers for a third one', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyMigrations(knex);
    const store = new SentinelStore(knex);
    let clock = START;
    const subject = new FailoverRecorder({
      group: 'session-store',
      masterName: 'sessions',
      sink: store,
      logger: mockServices.logger.mock(),
      staleAfterMs: 60_000,
      now: () => new Date(clock),
      currentMaster: async () => ({ address: '127.0.0.1:6381', epoch: 2 }),
    });
    for (const event of [
      ...events(KILLED_MASTER),
      ...events(MANUAL_FAILOVER),
    ]) {
      clock = event.at.getTime();
      subject.handle(event);
    }
    // s2 was down for both: on its return it switches from the first master straight to the last.
    subject.handle(
      parseSentinelEvent(
        '+switch-master',
        'sessions 127.0.0.1 6379 127.0.0.1 6381',
        SENTINELS.s2,
        new Date(START + 40_000),
      ),
    );
    await subject.flush();
    expect(subject.inProgress()).toEqual([]);
    expect(
      (await store.listFailovers('session-store', 10)).map(f => [
        f.oldMaster,
        f.newMaster,
      ]),
    ).toEqual([
      ['127.0.0.1:6380', '127.0.0.1:6381'],
      ['127.0.0.1:6379', '127.0.0.1:6380'],
    ]);
  });
});
