import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { SentinelTopology, waitFor } from '@fleetdeck/sandbox';
import { FAILOVER_PHASES } from '@fleetdeck/plugin-sentinel-common';
import net from 'node:net';
import { readSentinelConfig, SentinelSettings } from '../config';
import { applyMigrations } from '../database/migrations';
import { SentinelStore } from '../database/SentinelStore';
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
  });
});
