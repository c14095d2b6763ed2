import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { SentinelTopology, waitFor } from '@fleetdeck/sandbox';
import { FAILOVER_PHASES } from '@fleetdeck/plugin-sentinel-common';
import { Redis } from 'ioredis';
import net from 'node:net';
import { readSentinelConfig, SentinelSettings } from '../config';
import { applyMigrations } from '../database/migrations';
import { SentinelStore } from '../database/SentinelStore';
import { FailoverRecorder } from '../failover/FailoverRecorder';
import { SWITCH_PHASES } from '../failover/reconcile';
import { addressOf, flagsOf, toRecord } from '../redis/replies';
import { parseSentinelEvent } from './events';
import { SentinelMonitor } from './SentinelMonitor';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function settingsFor(sentinels: string[]) {
  return readSentinelConfig(
    new ConfigReader({
      sentinel: {
        pollIntervalMs: 300,
        commandTimeoutMs: 800,
        reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
        sessionStore: { enabled: false },
        failover: { reconcileIntervalMs: 300 },
        groups: [{ name: 'sessions', masterName: 'sessions', sentinels }],
      },
    }),
  );
}

function monitorOf(settings: SentinelSettings, store: SentinelStore) {
  return new SentinelMonitor({
    group: settings.groups[0],
    settings,
    store,
    logger: mockServices.logger.mock(),
  });
}

async function storeOn(id: 'POSTGRES_15' | 'SQLITE_3') {
  const knex = await databases.init(id);
  await applyMigrations(knex);
  return new SentinelStore(knex);
}

/** `SENTINEL MASTER` of every sentinel that answers. */
async function sentinelViews(addresses: Array<{ host: string; port: number }>) {
  const views = await Promise.all(
    addresses.map(async ({ host, port }) => {
      const client = new Redis({
        host,
        port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        return toRecord(await client.call('SENTINEL', 'MASTER', 'sessions'));
      } catch {
        return undefined;
      } finally {
        client.disconnect();
      }
    }),
  );
  return views.flatMap(v => (v ? [v] : []));
}

async function sqliteStore() {
  const knex = await databases.init('SQLITE_3');
  await applyMigrations(knex);
  return new SentinelStore(knex);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('SentinelMonitor', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('shows sentinels it cannot reach as down, with the next retry, and never throws', async () => {
    const ports = [await closedPort(), await closedPort()];
    const settings = settingsFor(ports.map(p => `127.0.0.1:${p}`));
    const monitor = monitorOf(settings, await sqliteStore());
    try {
      monitor.start();
      const topology = await waitFor(
        'a retry time for both sentinels',
        10_000,
        async () => {
          const t = await monitor.poll();
          return t.sentinels.every(s => s.retryAt) ? t : undefined;
        },
      );
      expect(topology.health).toBe('down');
      expect(topology.sentinels).toEqual(
        ports.map(port => ({
          address: `127.0.0.1:${port}`,
          reachable: false,
          master: undefined,
          masterFlags: undefined,
          lastError: expect.stringContaining('ECONNREFUSED'),
          retryAt: expect.any(String),
        })),
      );
      await expect(
        monitor.triggerFailover({
          reason: 'x',
          triggeredBy: 'user:default/ada',
        }),
      ).rejects.toThrow(
        /no sentinel of group sessions could take the failover/,
      );
    } finally {
      await monitor.stop();
    }
    expect(unhandled).toEqual([]);
  });

  describe('against a real topology', () => {
    let topology: SentinelTopology;

    beforeAll(async () => {
      topology = await SentinelTopology.start({
        masterName: 'sessions',
        downAfterMs: 2000,
        failoverTimeoutMs: 10000,
      });
    });

    afterAll(async () => {
      await topology?.stop();
    });

    it('shows a hung sentinel as unreachable until it answers again', async () => {
      const settings = settingsFor(
        topology.sentinelAddresses().map(s => `${s.host}:${s.port}`),
      );
      const monitor = monitorOf(settings, await sqliteStore());
      const hung = topology.sentinelAddresses()[1];
      try {
        monitor.start();
        await waitFor('a healthy group', 20_000, async () =>
          (await monitor.poll()).health === 'healthy' ? true : undefined,
        );
        await topology.pause('sentinel-1');
        const paused = await monitor.poll();
        expect(paused.sentinels[1]).toMatchObject({
          address: `${hung.host}:${hung.port}`,
          reachable: false,
          lastError: 'Command timed out',
        });
        expect(paused.master?.address).toBeDefined();
        await topology.resume('sentinel-1');
        await waitFor('the sentinel to answer again', 10_000, async () =>
          (await monitor.poll()).sentinels[1].reachable ? true : undefined,
        );
      } finally {
        await monitor.stop();
      }
      expect(unhandled).toEqual([]);
    });

    it('completes the record of a failover that ended while the backend was restarting, and no other replica times it out', async () => {
      const settings = settingsFor(
        topology.sentinelAddresses().map(s => `${s.host}:${s.port}`),
      );
      const store = await storeOn('POSTGRES_15');
      const first = monitorOf(settings, store);
      let second: SentinelMonitor | undefined;
      try {
        first.start();
        await waitFor('a healthy group', 20_000, async () =>
          (await first.poll()).health === 'healthy' ? true : undefined,
        );
        const { host, port } = await topology.currentMaster();
        const oldMaster = `${host}:${port}`;
        await topology.kill(topology.nodes.find(n => n.port === port)!.name);

        // The backend stops as soon as it has stored the failover (at the election), long before its end.
        const [open] = await waitFor('a stored failover', 30_000, async () => {
          const list = await store.listOpenFailovers('sessions');
          return list.length > 0 ? list : undefined;
        });
        await first.stop();
        const [left] = await store.listFailovers('sessions', 10);
        expect(left.status).toBe('in-progress');

        const ended = await waitFor(
          'the sentinels to finish the failover',
          45_000,
          async () => {
            const views = await sentinelViews(topology.sentinelAddresses());
            const moved = views.every(
              v =>
                addressOf(v.ip, v.port) !== oldMaster &&
                !flagsOf(v).includes('failover_in_progress'),
            );
            return views.length === 3 && moved ? views : undefined;
          },
        );
        const newMaster = addressOf(ended[0].ip, ended[0].port);

        second = monitorOf(settings, store);
        second.start();
        const [record, ...others] = await waitFor(
          'the restarted backend to complete the record',
          20_000,
          async () => {
            const list = await store.listFailovers('sessions', 10);
            return list[0]?.status === 'completed' ? list : undefined;
          },
        );
        expect(others).toEqual([]);
        expect(record).toMatchObject({
          id: open.id,
          oldMaster,
          newMaster,
          outcome: expect.stringContaining('reconciled with the sentinels'),
        });
        // What the first backend saw keeps its times; the rest is named as not seen, never made up.
        const seen = record.phases.map(p => p.phase);
        expect(seen).toEqual(expect.arrayContaining(['leader-elected']));
        expect(record.unobservedPhases?.length).toBeGreaterThan(0);
        expect(record.unobservedPhases!.filter(p => seen.includes(p))).toEqual(
          [],
        );
        expect(
          SWITCH_PHASES.filter(
            p => !seen.includes(p) && !record.unobservedPhases!.includes(p),
          ),
        ).toEqual([]);

        // A third replica that saw only the election, and then lost sight of it, gives up on it.
        let clock = Date.now();
        const lost = new FailoverRecorder({
          group: 'sessions',
          masterName: 'sessions',
          sink: store,
          logger: mockServices.logger.mock(),
          staleAfterMs: 1000,
          now: () => new Date(clock),
        });
        const sentinel = settings.groups[0].sentinels[0];
        const from = `${sentinel.host}:${sentinel.port}`;
        const [ip, masterPort] = [host, String(port)];
        lost.handle(parseSentinelEvent('+new-epoch', String(open.epoch), from));
        lost.handle(
          parseSentinelEvent(
            '+elected-leader',
            `master sessions ${ip} ${masterPort}`,
            from,
          ),
        );
        clock += 1001;
        lost.sweep(oldMaster);
        await lost.flush();
        expect(await store.listFailovers('sessions', 10)).toEqual([record]);
        await topology.restart(topology.nodes.find(n => n.port === port)!.name);
      } finally {
        await first.stop();
        await second?.stop();
      }
      expect(unhandled).toEqual([]);
    });

    it('two backend instances record a killed master as one failover, in PostgreSQL and in SQLite', async () => {
      const settings = settingsFor(
        topology.sentinelAddresses().map(s => `${s.host}:${s.port}`),
      );
      const stores: SentinelStore[] = [];
      const monitors: SentinelMonitor[] = [];
      for (const [id] of databases.eachSupportedId()) {
        const knex = await databases.init(id);
        await applyMigrations(knex);
        const store = new SentinelStore(knex);
        stores.push(store);
        for (let i = 0; i < 2; i++) {
          monitors.push(monitorOf(settings, store));
        }
      }
      try {
        monitors.forEach(m => m.start());
        for (const monitor of monitors) {
          await waitFor('a healthy group', 20_000, async () =>
            (await monitor.poll()).health === 'healthy' ? true : undefined,
          );
        }
        const { host, port } = await topology.currentMaster();
        const master = topology.nodes.find(n => n.port === port)!;
        await topology.kill(master.name);

        const records = await waitFor(
          'a completed failover in every database',
          45_000,
          async () => {
            const lists = await Promise.all(
              stores.map(s => s.listFailovers('sessions', 10)),
            );
            return lists.every(l => l.length > 0 && l[0].status === 'completed')
              ? lists
              : undefined;
          },
        );
        await Promise.all(monitors.map(m => m.recorder.flush()));
        const now = await topology.currentMaster();
        for (const list of await Promise.all(
          stores.map(s => s.listFailovers('sessions', 10)),
        )) {
          expect(list).toHaveLength(1);
          expect(list[0]).toMatchObject({
            oldMaster: `${host}:${port}`,
            newMaster: `${now.host}:${now.port}`,
          });
          expect(list[0].phases.map(p => p.phase)).toEqual([
            ...FAILOVER_PHASES,
          ]);
        }
        // Both databases hold the same record under the same id.
        expect(records[0][0].id).toBe(records[1][0].id);
        await topology.restart(master.name);
      } finally {
        await Promise.all(monitors.map(m => m.stop()));
      }
      expect(unhandled).toEqual([]);
    });

    // Last: the killed leader comes back with an old configuration, which a test after it would trip over.
    it('two backend replicas record one failover when its leader sentinel dies and another one takes over', async () => {
      const settings = settingsFor(
        topology.sentinelAddresses().map(s => `${s.host}:${s.port}`),
      );
      const store = await storeOn('POSTGRES_15');
      const monitors = [monitorOf(settings, store), monitorOf(settings, store)];
      const subscribers = topology.sentinelAddresses().map(({ host, port }) => {
        const client = new Redis({ host, port, maxRetriesPerRequest: 0 });
        client.on('error', () => {});
        return client;
      });
      let leader: string | undefined;

      const leaderKilled = new Promise<void>(resolve => {
        subscribers.forEach((client, i) => {
          client.on('message', channel => {
            if (channel !== '+elected-leader' || leader) return;
            leader = `sentinel-${i}`;
            topology.kill(leader).then(resolve, resolve);
          });
        });
      });
      let killedMaster: string | undefined;
      try {
        await Promise.all(subscribers.map(c => c.subscribe('+elected-leader')));
        monitors.forEach(m => m.start());
        for (const monitor of monitors) {
          await waitFor('a healthy group', 20_000, async () =>
            (await monitor.poll()).health === 'healthy' ? true : undefined,
          );
        }
        const { host, port } = await topology.currentMaster();
        killedMaster = topology.nodes.find(n => n.port === port)!.name;
        await topology.kill(killedMaster);
        await leaderKilled;

        // The others start again after twice the failover timeout, in a new epoch.
        const [record, ...others] = await waitFor(
          'the failover to complete after the leader died',
          60_000,
          async () => {
            const list = await store.listFailovers('sessions', 10);
            return list[0]?.status === 'completed' ? list : undefined;
          },
        );
        await Promise.all(monitors.map(m => m.recorder.flush()));
        expect(others).toEqual([]);
        expect(await store.listFailovers('sessions', 10)).toHaveLength(1);
        const now = await topology.currentMaster();
        expect(record).toMatchObject({
          oldMaster: `${host}:${port}`,
          newMaster: `${now.host}:${now.port}`,
          status: 'completed',
        });
        const seen = record.phases.map(p => p.phase);
        expect(seen).toEqual(
          expect.arrayContaining([
            'leader-elected',
            'switch-master',
            'failover-end',
          ]),
        );
        // Keyed by the epoch the failover ended in, which every sentinel now reports.
        const views = await sentinelViews(topology.sentinelAddresses());
        const [row] = await (store as any).knex('sentinel_failovers');
        expect(Number(row.epoch)).toBe(Number(views[0]['config-epoch']));
      } finally {
        subscribers.forEach(c => c.disconnect());
        await Promise.all(monitors.map(m => m.stop()));
        if (leader) await topology.restart(leader);
        if (killedMaster) await topology.restart(killedMaster);
      }
      expect(unhandled).toEqual([]);
    });
  });
});
