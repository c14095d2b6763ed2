import { SentinelTopology, waitFor } from '@fleetdeck/sandbox';
import {
  FAILOVER_PHASES,
  FailoverRecord,
  GroupTopology,
  sentinelSignalChannel,
} from '@fleetdeck/plugin-sentinel-common';
import { Redis } from 'ioredis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  SentinelBackend,
  startSentinelBackend,
} from './__testUtils__/startSentinelBackend';

jest.setTimeout(180_000);

const PASSWORD = 'sentinel-test-secret-7f3a';
const GROUP = 'session-store';
const ADA = 'user:default/ada';
const NOBODY = 'user:default/nobody';

/** Phases of a failover must follow Sentinel's order; the switch and the end come from different sentinels, in either order. */
function expectPhasesInOrder(
  record: FailoverRecord,
  expected: readonly string[],
) {
  expect(record.phases.map(p => p.phase)).toEqual(expected);
  const at = Object.fromEntries(
    record.phases.map(p => [p.phase, Date.parse(p.at)]),
  );
  const causal = expected.filter(
    p => p !== 'switch-master' && p !== 'failover-end',
  );
  for (let i = 1; i < causal.length; i++) {
    expect(at[causal[i]]).toBeGreaterThanOrEqual(at[causal[i - 1]]);
  }
  const last = causal[causal.length - 1];
  expect(at['switch-master']).toBeGreaterThanOrEqual(at[last]);
  expect(at['failover-end']).toBeGreaterThanOrEqual(at[last]);
  expect(Date.parse(record.startedAt)).toBeLessThanOrEqual(at[expected[0]]);
  expect(record.durationMs).toBe(
    Date.parse(record.endedAt!) - Date.parse(record.startedAt),
  );
}

describe('the sentinel backend against real redis-server processes', () => {
  let topology: SentinelTopology;
  let backend: SentinelBackend;
  let dataDir: string;

  const topologyNow = async (): Promise<GroupTopology> =>
    (await backend.call('GET', `/groups/${GROUP}/topology`, ADA)).body;
  const failovers = async (): Promise<FailoverRecord[]> =>
    (await backend.call('GET', `/groups/${GROUP}/failovers`, ADA)).body;
  const currentMaster = async () => {
    const { host, port } = await topology.currentMaster();
    return `${host}:${port}`;
  };
  /** Healthy: every sentinel agrees, quorum holds and `replicas` replicas are linked. */
  const healthyWith = (replicas: number) =>
    waitFor(
      `a healthy group with ${replicas} linked replicas`,
      45_000,
      async () => {
        const t = await topologyNow();
        const linked = t.replicas.filter(
          r => r.reachable && r.linkStatus === 'up',
        );
        return t.health === 'healthy' && linked.length === replicas
          ? t
          : undefined;
      },
    );
  const completedFailovers = (count: number) =>
    waitFor(`${count} completed failover(s)`, 45_000, async () => {
      // A failover Sentinel itself gave up on (on a loaded machine the promoted replica can miss failover-timeout)
      // is recorded as timed out, truthfully; the tests then ask again, so they count the completed ones.
      const list = await failovers();
      const completed = list.filter(f => f.status === 'completed');
      if (
        completed.length === count &&
        list.every(f => f.status !== 'in-progress')
      ) {
        return completed;
      }
      // thrown, so that a timeout names what was recorded instead
      throw new Error(
        `recorded: ${JSON.stringify(
          list.map(f => ({
            id: f.id,
            status: f.status,
            trigger: f.trigger,
            phases: f.phases.map(p => p.phase),
            outcome: f.outcome,
          })),
        )}`,
      );
    });

  beforeAll(async () => {
    topology = await SentinelTopology.start({
      masterName: 'sessions',
      password: PASSWORD,
      downAfterMs: 2000,
      failoverTimeoutMs: 10000,
    });
    // The session store of seed 004, written through Sentinel like the application does.
    const client = new Redis({
      sentinels: topology.sentinelAddresses(),
      name: 'sessions',
      password: PASSWORD,
    });
    client.on('error', () => {});
    try {
      const write = client.pipeline();
      for (let i = 0; i < 120; i++) write.set(`session:${i}`, '{}', 'EX', 3600);
      for (let i = 0; i < 40; i++) write.sadd(`user_sessions:${i}`, `s${i}`);
      for (let i = 0; i < 60; i++)
        write.set(`refresh_token:${i}`, 't', 'EX', 604800);
      for (let i = 0; i < 10; i++)
        write.set(`deletion_token:${i}`, 't', 'EX', 900);
      await write.exec();
      await client.call('WAIT', '2', '5000');
    } finally {
      client.disconnect();
    }

    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-backend-'));
    backend = await startSentinelBackend({
      deniedUsers: [NOBODY],
      config: {
        backend: {
          baseUrl: 'http://127.0.0.1',
          database: {
            client: 'better-sqlite3',
            connection: { directory: dataDir },
          },
        },
        sentinel: {
          pollIntervalMs: 300,
          commandTimeoutMs: 1000,
          reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
          lag: { sampleIntervalMs: 500 },
          sessionStore: { intervalMs: 500, commandsPerMinute: 2000 },
          failover: { confirmTimeoutMs: 15_000 },
          groups: [
            {
              name: GROUP,
              masterName: 'sessions',
              sentinels: topology
                .sentinelAddresses()
                .map(s => `${s.host}:${s.port}`),
              auth: { password: PASSWORD },
            },
          ],
        },
      },
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await topology?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the group without its secrets and reports it healthy', async () => {
    const healthy = await healthyWith(2);
    expect(healthy.master).toMatchObject({
      address: await currentMaster(),
      role: 'master',
      reachable: true,
    });
    expect(healthy.sentinels.every(s => s.reachable)).toBe(true);
    expect(healthy.sentinelsAgree).toBe(true);
    expect(healthy.quorum).toMatchObject({ quorum: 2, usable: 3, ok: true });
    for (const replica of healthy.replicas) {
      expect(replica).toMatchObject({ role: 'replica', linkStatus: 'up' });
      expect(replica.lagBytes).toBeGreaterThanOrEqual(0);
    }

    const groups = await backend.call('GET', '/groups', ADA);
    expect(groups.status).toBe(200);
    expect(groups.body).toMatchObject([
      {
        name: GROUP,
        masterName: 'sessions',
        sentinels: topology.sentinelAddresses().map(s => `${s.host}:${s.port}`),
        tls: false,
        auth: true,
        topology: { group: GROUP },
      },
    ]);
    expect(JSON.stringify(groups.body)).not.toContain(PASSWORD);
  });

  it('samples the session store on a replica', async () => {
    const stats = await waitFor('a session-store sample', 20_000, async () => {
      const response = await backend.call(
        'GET',
        `/groups/${GROUP}/session-store`,
        ADA,
      );
      return response.body ?? undefined;
    });
    const t = await topologyNow();
    expect(t.replicas.map(r => r.address)).toContain(stats.node);
    expect(stats.dbSize).toBe(230);
    expect(
      Object.fromEntries(
        stats.families.map((f: any) => [f.prefix, f.estimated]),
      ),
    ).toEqual({
      'session:': 120,
      'user_sessions:': 40,
      'refresh_token:': 60,
      'deletion_token:': 10,
    });
    expect(stats.families[1].withoutTtl).toBe(40);
    expect(stats.commands).toBeLessThanOrEqual(2000);
  });

  it('answers 404 for a group it does not know, on every route', async () => {
    for (const route of ['topology', 'failovers', 'lag', 'session-store']) {
      const response = await backend.call('GET', `/groups/nope/${route}`, ADA);
      expect({ route, status: response.status }).toEqual({
        route,
        status: 404,
      });
      expect(response.body.error.message).toContain(
        "no sentinel group named 'nope'",
      );
    }
    const post = await backend.call('POST', '/groups/nope/failover', ADA, {
      reason: 'game day',
    });
    expect(post.status).toBe(404);
  });

  it('refuses a failover without the permission, and names the bad field of a request', async () => {
    const master = await currentMaster();
    const denied = await backend.call(
      'POST',
      `/groups/${GROUP}/failover`,
      NOBODY,
      {
        reason: 'game day',
      },
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('sentinel.failover.trigger');

    const bad = async (body: unknown) => {
      const response = await backend.call(
        'POST',
        `/groups/${GROUP}/failover`,
        ADA,
        body,
      );
      expect(response.status).toBe(400);
      return response.body.error.message as string;
    };
    expect(await bad({})).toContain('reason: Required');
    expect(await bad({ reason: '   ' })).toContain('reason: is required');
    expect(await bad({ reason: 42 })).toContain('reason: Expected string');
    expect(await bad({ reason: 'x', force: true })).toContain(
      'force: not a known field',
    );
    expect(await bad('{not json')).toContain('not valid JSON');

    const limit = await backend.call(
      'GET',
      `/groups/${GROUP}/failovers?limit=0`,
      ADA,
    );
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toContain('limit:');
    const from = await backend.call(
      'GET',
      `/groups/${GROUP}/lag?from=yesterday`,
      ADA,
    );
    expect(from.status).toBe(400);
    expect(from.body.error.message).toContain(
      'from: must be an ISO 8601 date-time',
    );

    expect(await failovers()).toEqual([]);
    expect(await currentMaster()).toBe(master);
  });

  it('records a killed master as exactly one failover, its phases in order and the new master right', async () => {
    const oldMaster = await currentMaster();
    await topology.kill('master-0');

    const [record] = await completedFailovers(1);
    const newMaster = await currentMaster();
    expect(newMaster).not.toBe(oldMaster);
    expect(record).toMatchObject({
      group: GROUP,
      masterName: 'sessions',
      oldMaster,
      newMaster,
      trigger: 'detected',
      status: 'completed',
    });
    expectPhasesInOrder(record, [...FAILOVER_PHASES]);

    // Every sentinel has switched and the topology follows the new master; still one record.
    const after = await waitFor(
      'the topology to show the new master',
      20_000,
      async () => {
        const t = await topologyNow();
        return t.master?.address === newMaster && t.sentinelsAgree
          ? t
          : undefined;
      },
    );
    expect(after.replicas.find(r => r.address === oldMaster)).toMatchObject({
      reachable: false,
    });
    expect(await failovers()).toHaveLength(1);

    const signals = backend.signals.filter(
      s => s.channel === sentinelSignalChannel(GROUP),
    );
    expect(signals.some(s => s.message.type === 'topology')).toBe(true);
    const phaseSignals = signals.filter(
      s => s.message.type === 'failover' && s.message.failoverId === record.id,
    );
    // One per phase from the election on; the phases before it have no id yet.
    expect(phaseSignals.length).toBeGreaterThanOrEqual(6);

    // The killed master comes back as a replica of the new one.
    await topology.restart('master-0');
    await healthyWith(2);
  });

  it('records a failover requested through the route, with its reason and who asked', async () => {
    const oldMaster = await currentMaster();
    const response = await backend.call(
      'POST',
      `/groups/${GROUP}/failover`,
      ADA,
      {
        reason: '  game day: fail over the session store  ',
      },
    );
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      group: GROUP,
      oldMaster,
      trigger: 'manual',
      triggeredBy: ADA,
      reason: 'game day: fail over the session store',
    });

    // While it runs, a second request is a conflict, not a second failover.
    const again = await backend.call('POST', `/groups/${GROUP}/failover`, ADA, {
      reason: 'again',
    });
    expect(again.status).toBe(409);

    // Sentinel may give the failover up on a loaded machine: recorded as timed out, and asked once more.
    let requested = response.body;
    const first = await waitFor('the failover to end', 45_000, async () => {
      const record = (await failovers()).find(f => f.id === requested.id);
      return record && record.status !== 'in-progress' ? record : undefined;
    });
    if (first.status === 'timed-out') {
      const retried = await backend.call(
        'POST',
        `/groups/${GROUP}/failover`,
        ADA,
        { reason: 'game day: fail over the session store' },
      );
      if (retried.status !== 202) {
        throw new Error(`the retried failover answered ${retried.status}`);
      }
      requested = retried.body;
    }

    const [manual, detected] = await completedFailovers(2);
    expect(detected.trigger).toBe('detected');
    expect(manual).toMatchObject({
      id: requested.id,
      oldMaster: requested.oldMaster,
      newMaster: await currentMaster(),
      trigger: 'manual',
      triggeredBy: ADA,
      reason: 'game day: fail over the session store',
      status: 'completed',
    });
    expectPhasesInOrder(manual, FAILOVER_PHASES.slice(2));
    await healthyWith(2);
  });

  it('shows a killed sentinel as down and keeps recording failovers with the other two', async () => {
    await topology.kill('sentinel-2');
    const [down] = topology.sentinelAddresses().slice(2);
    const address = `${down.host}:${down.port}`;
    const degraded = await waitFor(
      'the killed sentinel to show as down',
      20_000,
      async () => {
        const t = await topologyNow();
        const view = t.sentinels.find(s => s.address === address);
        return view && !view.reachable && view.retryAt ? t : undefined;
      },
    );
    expect(degraded.health).toBe('degraded');
    expect(degraded.sentinels.find(s => s.address === address)).toMatchObject({
      reachable: false,
      lastError: expect.any(String),
      retryAt: expect.any(String),
    });
    expect(degraded.problems.join('\n')).toContain(
      `sentinel ${address} is unreachable`,
    );
    expect(degraded.sentinels.filter(s => s.reachable)).toHaveLength(2);

    // The monitor keeps polling: the other sentinels, once they see it down too, count two usable.
    const later = await waitFor(
      'two usable sentinels in a later poll',
      20_000,
      async () => {
        const t = await topologyNow();
        return t.updatedAt > degraded.updatedAt && t.quorum?.usable === 2
          ? t
          : undefined;
      },
    );
    expect(later.quorum?.ok).toBe(true);

    // … and recording: the master is killed while a sentinel is down.
    const oldMaster = await currentMaster();
    const masterNode = topology.nodes.find(
      n => `${n.host}:${n.port}` === oldMaster,
    )!;
    await topology.kill(masterNode.name);
    const [latest] = await completedFailovers(3);
    expect(latest).toMatchObject({
      oldMaster,
      newMaster: await currentMaster(),
      trigger: 'detected',
    });
    expectPhasesInOrder(latest, [...FAILOVER_PHASES]);

    await topology.restart(masterNode.name);
    await topology.restart('sentinel-2');
    await waitFor(
      'the restarted sentinel to be reachable',
      20_000,
      async () => {
        const t = await topologyNow();
        return t.sentinels.every(s => s.reachable) ? t : undefined;
      },
    );
    // The sentinel that missed the failover announces it on its return: still three records.
    await healthyWith(2);
    expect(
      (await failovers()).filter(f => f.status === 'completed'),
    ).toHaveLength(3);
  });

  it('stores replica lag and serves it by time range', async () => {
    const all = (await backend.call('GET', `/groups/${GROUP}/lag`, ADA)).body;
    expect(all.length).toBeGreaterThan(4);
    const replicas = new Set(all.map((s: any) => s.replica));
    expect(replicas.size).toBeGreaterThanOrEqual(2);
    for (const sample of all) {
      expect(sample.lagBytes).toBeGreaterThanOrEqual(0);
      expect(sample.lagSeconds).toBeGreaterThanOrEqual(0);
    }
    const middle = all[Math.floor(all.length / 2)].at;
    const range = await backend.call(
      'GET',
      `/groups/${GROUP}/lag?from=${encodeURIComponent(
        middle,
      )}&to=${encodeURIComponent(new Date().toISOString())}`,
      ADA,
    );
    expect(range.status).toBe(200);
    expect(range.body.length).toBeGreaterThan(0);
    expect(range.body.length).toBeLessThan(all.length);
    expect(range.body.every((s: any) => s.at >= middle)).toBe(true);
  });

  it('never logs the password', () => {
    expect(backend.logs.some(line => line.includes('is unreachable'))).toBe(
      true,
    );
    expect(backend.logs.filter(line => line.includes(PASSWORD))).toEqual([]);
  });
});
