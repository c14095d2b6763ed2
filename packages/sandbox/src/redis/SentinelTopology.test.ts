import { waitFor } from '../testing/eventually';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Redis } from 'ioredis';
import { SentinelTopology } from './SentinelTopology';

const PASSWORD = 'sandbox-secret';

/** Alive and not a zombie waiting for a reaper (containers may lack one). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    );
  } catch {
    return false;
  }
}

function directClient(port: number, password?: string) {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  return client;
}

async function sentinelCall(port: number, ...args: string[]) {
  const client = directClient(port);
  try {
    await client.connect();
    return await client.call('SENTINEL', ...args);
  } finally {
    client.disconnect();
  }
}

function flagsOf(replicas: unknown, port: number): string | undefined {
  for (const flat of replicas as string[][]) {
    const record: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) record[flat[i]] = flat[i + 1];
    if (Number(record.port) === port) return record.flags;
  }
  return undefined;
}

describe('SentinelTopology with a password', () => {
  let topology: SentinelTopology;
  let client: Redis | undefined;
  const node = (name: string) => topology.nodes.find(n => n.name === name)!;

  beforeAll(async () => {
    topology = await SentinelTopology.start({ password: PASSWORD });
  }, 40000);

  afterAll(async () => {
    client?.disconnect();
    await topology?.stop();
  }, 20000);

  it('starts a master, linked replicas and sentinels that agree on the master', async () => {
    expect(topology.nodes.map(n => `${n.name}:${n.role}:${n.state}`)).toEqual([
      'master-0:redis:running',
      'replica-0:redis:running',
      'replica-1:redis:running',
      'sentinel-0:sentinel:running',
      'sentinel-1:sentinel:running',
      'sentinel-2:sentinel:running',
    ]);
    expect(new Set(topology.nodes.map(n => n.port)).size).toBe(6);
    expect(await topology.currentMaster()).toEqual({
      host: '127.0.0.1',
      port: node('master-0').port,
    });
    for (const sentinel of topology.sentinelAddresses()) {
      expect(
        await sentinelCall(sentinel.port, 'CKQUORUM', topology.masterName),
      ).toMatch(/^OK/);
    }
    // requirepass is in force on the data nodes.
    const anonymous = new Redis({
      port: node('master-0').port,
      host: '127.0.0.1',
      enableReadyCheck: false,
      lazyConnect: true,
    });
    anonymous.on('error', () => {});
    await anonymous.connect();
    await expect(anonymous.get('x')).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
  });

  it('serves an ioredis client in sentinel mode', async () => {
    client = new Redis({
      sentinels: topology.sentinelAddresses(),
      name: topology.masterName,
      password: PASSWORD,
    });
    client.on('error', () => {});
    await client.set('session:before-failover', 'alice', 'EX', 600);
    expect(await client.get('session:before-failover')).toBe('alice');
  });

  it('pausing a replica makes it unresponsive and subjectively down; resuming brings it back', async () => {
    const replica = node('replica-1');
    const sentinel = topology.sentinelAddresses()[0];
    await topology.pause('replica-1');
    expect(replica.state).toBe('paused');

    const probe = directClient(replica.port, PASSWORD);
    await expect(probe.connect().then(() => probe.ping())).rejects.toThrow();
    probe.disconnect();
    await waitFor(
      'the sentinel to flag the paused replica s_down',
      10000,
      async () => {
        const flags = flagsOf(
          await sentinelCall(sentinel.port, 'REPLICAS', topology.masterName),
          replica.port,
        );
        return flags?.includes('s_down') ? flags : undefined;
      },
    );

    await topology.resume('replica-1');
    expect(replica.state).toBe('running');
    await waitFor(
      'the sentinel to clear s_down on the resumed replica',
      10000,
      async () => {
        const flags = flagsOf(
          await sentinelCall(sentinel.port, 'REPLICAS', topology.masterName),
          replica.port,
        );
        return flags === 'slave' ? flags : undefined;
      },
    );
    const again = directClient(replica.port, PASSWORD);
    await again.connect();
    expect(await again.ping()).toBe('PONG');
    again.disconnect();
  }, 30000);

  it('fails over when the master is killed, and the same ioredis client follows the new master', async () => {
    const oldMaster = node('master-0');
    const oldPid = oldMaster.pid!;
    const subscriber = new Redis({
      port: topology.sentinelAddresses()[0].port,
      host: '127.0.0.1',
    });
    subscriber.on('error', () => {});
    try {
      await subscriber.subscribe('+switch-master');
      const switched = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('no +switch-master within 20 s')),
          20000,
        );
        subscriber.on('message', (_channel, message: string) => {
          clearTimeout(timer);
          resolve(message);
        });
      });

      const started = Date.now();
      await topology.kill('master-0');
      expect(oldMaster.state).toBe('stopped');
      expect(isAlive(oldPid)).toBe(false);

      // "<name> <old-ip> <old-port> <new-ip> <new-port>"
      const [name, , oldPort, newHost, newPort] = (await switched).split(' ');
      const failoverMs = Date.now() - started;
      expect(name).toBe(topology.masterName);
      expect(Number(oldPort)).toBe(oldMaster.port);
      expect(Number(newPort)).not.toBe(oldMaster.port);
      expect(failoverMs).toBeLessThan(20000);
      process.stdout.write(
        `failover: +switch-master ${failoverMs} ms after SIGKILL\n`,
      );

      expect(await topology.currentMaster()).toEqual({
        host: newHost,
        port: Number(newPort),
      });
      expect([node('replica-0').port, node('replica-1').port]).toContain(
        Number(newPort),
      );

      await client!.set('session:after-failover', 'bob');
      expect(await client!.get('session:after-failover')).toBe('bob');
      // Written before the failover, replicated to the promoted replica.
      expect(await client!.get('session:before-failover')).toBe('alice');
    } finally {
      subscriber.disconnect();
    }
  }, 30000);

  it('restarts a killed node on its port, with its rewritten config', async () => {
    const { port: masterPort } = await topology.currentMaster();
    const replica = topology.nodes.find(
      n => n.role === 'redis' && n.state === 'running' && n.port !== masterPort,
    )!;
    const oldPid = replica.pid;
    await topology.kill(replica.name);
    await topology.restart(replica.name);
    expect(replica.state).toBe('running');
    expect(replica.pid).not.toBe(oldPid);

    // Sentinel rewrote this replica's config to follow the new master.
    const probe = directClient(replica.port, PASSWORD);
    await probe.connect();
    try {
      const info = await waitFor(
        'the restarted replica to link to the new master',
        15000,
        async () => {
          const text = await probe.info('replication');
          return text.includes('master_link_status:up') ? text : undefined;
        },
      );
      expect(info).toContain(`master_port:${masterPort}`);
    } finally {
      probe.disconnect();
    }
  }, 30000);

  it('stop kills every process and removes its temp dir', async () => {
    const pids = topology.nodes
      .map(n => n.pid)
      .filter((pid): pid is number => pid !== undefined);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    client?.disconnect();
    client = undefined;
    await topology.stop();
    for (const pid of pids) {
      expect(() => process.kill(pid, 0)).toThrow(
        expect.objectContaining({ code: 'ESRCH' }),
      );
    }
    expect(
      topology.nodes.every(n => n.state === 'stopped' && n.pid === undefined),
    ).toBe(true);
    expect(fs.existsSync(topology.dir)).toBe(false);
  }, 20000);
});

describe('SentinelTopology without a password', () => {
  it('runs one replica under one sentinel with quorum 1', async () => {
    const topology = await SentinelTopology.start({
      replicas: 1,
      sentinels: 1,
      masterName: 'sessions',
    });
    const client = new Redis({
      sentinels: topology.sentinelAddresses(),
      name: 'sessions',
    });
    client.on('error', () => {});
    try {
      expect(topology.nodes.map(n => n.name)).toEqual([
        'master-0',
        'replica-0',
        'sentinel-0',
      ]);
      await client.set('user_sessions:42', '3');
      expect(await client.get('user_sessions:42')).toBe('3');
    } finally {
      client.disconnect();
      await topology.stop();
    }
  }, 30000);

  it('rejects a quorum larger than the number of sentinels before starting anything', async () => {
    await expect(
      SentinelTopology.start({ sentinels: 1, quorum: 2 }),
    ).rejects.toThrow(
      'quorum must be between 1 and the number of sentinels (1), got 2',
    );
  });
});

describe('SentinelTopology when its Node process dies', () => {
  const fixture = path.join(__dirname, 'fixtures', 'dieWithTopology.ts');

  async function runFixture(mode: 'throw' | 'wait', signal?: NodeJS.Signals) {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        fixture,
        mode,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', chunk => {
      stderr += chunk;
    });
    const exited = new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>(resolve =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    let started: { pids: number[]; dir: string } | undefined;
    try {
      const lines = readline.createInterface({ input: child.stdout! });
      const first = await Promise.race([
        new Promise<string>(resolve => lines.once('line', resolve)),
        exited.then(result => {
          throw new Error(
            `fixture exited early (${JSON.stringify(result)}): ${stderr}`,
          );
        }),
      ]);
      started = JSON.parse(first) as { pids: number[]; dir: string };
      const { pids } = started;
      expect(pids.every(isAlive)).toBe(true);
      if (signal) child.kill(signal);
      else child.stdin!.write('throw now\n');
      const result = await exited;
      await waitFor('every redis-server of the fixture to be gone', 5000, () =>
        pids.some(isAlive) ? undefined : true,
      );
      return { ...result, ...started, stderr };
    } finally {
      // Should the behaviour under test fail, still leave nothing behind.
      child.kill('SIGKILL');
      for (const pid of started?.pids ?? []) {
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
  }

  it('kills its redis-server processes on an uncaught exception', async () => {
    const result = await runFixture('throw');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'fixture: uncaught exception with a live topology',
    );
    expect(fs.existsSync(result.dir)).toBe(false);
  }, 40000);

  it('kills its redis-server processes on SIGTERM, and still terminates by the signal', async () => {
    const result = await runFixture('wait', 'SIGTERM');
    expect(result.signal).toBe('SIGTERM');
    expect(fs.existsSync(result.dir)).toBe(false);
  }, 40000);
});
