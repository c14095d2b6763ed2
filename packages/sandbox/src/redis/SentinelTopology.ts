import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { renderRedisConfig, renderSentinelConfig } from './config';
import { registerExitCleanup } from './exitCleanup';
import { findFreePorts } from '../net';
import { findRedisServer } from './findRedisServer';

export interface SentinelTopologyOptions {
  /** The name the sentinels monitor the master under. Default `mymaster`. */
  masterName?: string;
  /** Number of replicas. Default 2. */
  replicas?: number;
  /** Number of sentinels. Default 3. */
  sentinels?: number;
  /** Sentinels that must agree the master is down. Default 2 (or `sentinels` when fewer). */
  quorum?: number;
  /** `sentinel down-after-milliseconds`. Default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 5000. */
  failoverTimeoutMs?: number;
  /** `requirepass` + `masterauth` on the data nodes and `sentinel auth-pass`; the sentinels stay open. */
  password?: string;
  /** Where configs and logs go. Default: a new temp dir, removed on `stop()`; a given dir is left in place. */
  dir?: string;
  /** Bound on `start()` becoming ready. Default 30000. */
  startTimeoutMs?: number;
}

export type RedisNodeState = 'running' | 'paused' | 'stopped';

export interface RedisNode {
  /** Stable name given at start (`master-0`, `replica-1`, `sentinel-2`), kept across failovers. */
  name: string;
  role: 'redis' | 'sentinel';
  host: '127.0.0.1';
  port: number;
  pid: number | undefined;
  state: RedisNodeState;
}

interface NodeProcess {
  node: RedisNode;
  configPath: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Recent stdout/stderr, for error messages when a node fails before logging. */
  output: string;
}

const PROBE_TIMEOUT_MS = 1000;
const RESTART_TIMEOUT_MS = 15000;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** SENTINEL MASTER / REPLICAS answer flat [key, value, …] arrays. */
function toRecord(flat: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  const items = flat as string[];
  for (let i = 0; i + 1 < items.length; i += 2) {
    record[items[i]] = items[i + 1];
  }
  return record;
}

/**
 * A Redis Sentinel topology of real `redis-server` processes on 127.0.0.1:
 * one master, N replicas and M sentinels, with fault injection (kill, pause,
 * resume, restart) by node name.
 */
export class SentinelTopology {
  readonly masterName: string;
  readonly nodes: RedisNode[];
  /** Holds each node's `<name>.conf` (rewritten by Redis and the sentinels) and `<name>.log`. */
  readonly dir: string;

  private readonly processes = new Map<string, NodeProcess>();
  private readonly bin: string;
  private readonly ownsDir: boolean;
  private readonly password?: string;
  private unregisterCleanup?: () => void;
  private stopped = false;

  static async start(
    options: SentinelTopologyOptions = {},
  ): Promise<SentinelTopology> {
    const bin = findRedisServer();
    const replicas = options.replicas ?? 2;
    const sentinels = options.sentinels ?? 3;
    const quorum = options.quorum ?? Math.min(2, sentinels);
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`replicas must be a whole number >= 0, got ${replicas}`);
    }
    if (!Number.isInteger(sentinels) || sentinels < 1) {
      throw new Error(
        `sentinels must be a whole number >= 1, got ${sentinels}`,
      );
    }
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > sentinels) {
      throw new Error(
        `quorum must be between 1 and the number of sentinels (${sentinels}), got ${quorum}`,
      );
    }

    const ownsDir = options.dir === undefined;
    const dir = options.dir
      ? path.resolve(options.dir)
      : fs.mkdtempSync(path.join(os.tmpdir(), 'fleetdeck-sentinel-'));
    fs.mkdirSync(dir, { recursive: true });

    const topology = new SentinelTopology(
      bin,
      dir,
      ownsDir,
      options.masterName ?? 'mymaster',
      options.password,
    );
    try {
      const ports = await findFreePorts(1 + replicas + sentinels);
      const masterPort = ports[0];
      topology.addNode(
        'master-0',
        'redis',
        masterPort,
        renderRedisConfig({
          name: 'master-0',
          port: masterPort,
          dir,
          password: options.password,
        }),
      );
      for (let i = 0; i < replicas; i++) {
        const name = `replica-${i}`;
        const port = ports[1 + i];
        topology.addNode(
          name,
          'redis',
          port,
          renderRedisConfig({
            name,
            port,
            dir,
            password: options.password,
            replicaOf: masterPort,
          }),
        );
      }
      for (let i = 0; i < sentinels; i++) {
        const name = `sentinel-${i}`;
        const port = ports[1 + replicas + i];
        topology.addNode(
          name,
          'sentinel',
          port,
          renderSentinelConfig({
            name,
            port,
            dir,
            masterName: topology.masterName,
            masterPort,
            quorum,
            downAfterMs: options.downAfterMs ?? 1000,
            failoverTimeoutMs: options.failoverTimeoutMs ?? 5000,
            password: options.password,
          }),
        );
      }
      await topology.startAll(
        Date.now() + (options.startTimeoutMs ?? 30000),
        replicas,
        sentinels,
      );
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  private constructor(
    bin: string,
    dir: string,
    ownsDir: boolean,
    masterName: string,
    password: string | undefined,
  ) {
    this.bin = bin;
    this.dir = dir;
    this.ownsDir = ownsDir;
    this.masterName = masterName;
    this.password = password;
    this.nodes = [];
    this.unregisterCleanup = registerExitCleanup(() => this.killAllSync());
  }

  sentinelAddresses(): Array<{ host: string; port: number }> {
    return this.nodes
      .filter(node => node.role === 'sentinel')
      .map(node => ({ host: node.host, port: node.port }));
  }

  /** The master as the first answering sentinel reports it. */
  async currentMaster(): Promise<{ host: string; port: number }> {
    const errors: string[] = [];
    for (const node of this.nodes) {
      if (node.role !== 'sentinel' || node.state !== 'running') continue;
      try {
        const reply = await this.withClient(node, client =>
          client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName),
        );
        if (Array.isArray(reply) && reply.length === 2) {
          return { host: String(reply[0]), port: Number(reply[1]) };
        }
        errors.push(`${node.name}: no master named ${this.masterName}`);
      } catch (error) {
        errors.push(`${node.name}: ${(error as Error).message}`);
      }
    }
    throw new Error(
      `No sentinel reported the master ${this.masterName}: ${
        errors.join('; ') || 'no running sentinel'
      }`,
    );
  }

  /** SIGKILL, as a crashed or OOM-killed node. */
  async kill(name: string): Promise<void> {
    const proc = this.get(name);
    if (!proc.child || proc.node.state === 'stopped') return;
    proc.child.kill('SIGKILL');
    await proc.exited;
  }

  /** SIGSTOP: the node keeps its sockets but answers nothing, like a hung host. */
  async pause(name: string): Promise<void> {
    const proc = this.get(name);
    if (proc.node.state !== 'running' || !proc.child) {
      throw new Error(`Cannot pause ${name}: it is ${proc.node.state}`);
    }
    proc.child.kill('SIGSTOP');
    proc.node.state = 'paused';
  }

  async resume(name: string): Promise<void> {
    const proc = this.get(name);
    if (proc.node.state !== 'paused' || !proc.child) {
      throw new Error(`Cannot resume ${name}: it is ${proc.node.state}`);
    }
    proc.child.kill('SIGCONT');
    proc.node.state = 'running';
  }

  /**
   * Starts the node again on its port with its config file, which Redis and
   * the sentinels may have rewritten since (new master, known peers). A node
   * that is still up is killed first.
   */
  async restart(name: string): Promise<void> {
    const proc = this.get(name);
    if (this.stopped) throw new Error('The topology is stopped');
    await this.kill(name);
    this.spawnNode(proc);
    await this.until(
      `${name} to answer on port ${proc.node.port}`,
      Date.now() + RESTART_TIMEOUT_MS,
      async () => {
        await this.withClient(proc.node, client => client.ping());
        return true;
      },
      proc,
    );
  }

  /** Kills every process, then removes the temp dir (when it made one). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.nodes.map(node => this.kill(node.name)));
    if (this.ownsDir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
    this.unregisterCleanup?.();
    this.unregisterCleanup = undefined;
  }

  private addNode(
    name: string,
    role: RedisNode['role'],
    port: number,
    config: string,
  ) {
    const configPath = path.join(this.dir, `${name}.conf`);
    fs.writeFileSync(configPath, config);
    const node: RedisNode = {
      name,
      role,
      host: '127.0.0.1',
      port,
      pid: undefined,
      state: 'stopped',
    };
    this.nodes.push(node);
    const proc: NodeProcess = { node, configPath, output: '' };
    this.processes.set(name, proc);
  }

  private spawnNode(proc: NodeProcess) {
    const args = [proc.configPath];
    if (proc.node.role === 'sentinel') args.push('--sentinel');
    const child = spawn(this.bin, args, {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.child = child;
    proc.output = '';
    proc.node.pid = child.pid;
    proc.node.state = child.pid === undefined ? 'stopped' : 'running';
    const collect = (chunk: Buffer) => {
      proc.output = (proc.output + chunk.toString()).slice(-2000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    proc.exited = new Promise<void>(resolve => {
      const done = () => {
        // A later restart may have replaced the child; only the current one owns the node.
        if (proc.child === child) {
          proc.node.state = 'stopped';
          proc.node.pid = undefined;
        }
        resolve();
      };
      child.once('exit', done);
      child.once('error', error => {
        collect(Buffer.from(String(error)));
        done();
      });
    });
  }

  private killAllSync() {
    for (const proc of this.processes.values()) {
      const pid = proc.node.pid;
      if (pid !== undefined && proc.node.state !== 'stopped') {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    if (this.ownsDir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private get(name: string): NodeProcess {
    const proc = this.processes.get(name);
    if (!proc) {
      throw new Error(
        `No node named ${name}; nodes are ${[...this.processes.keys()].join(
          ', ',
        )}`,
      );
    }
    return proc;
  }

  /**
   * Starts the nodes in dependency order. Sentinels start only once the
   * replicas are linked: a sentinel learns replicas from the master's INFO,
   * which it refreshes only every 10 s after the first one.
   */
  private async startAll(
    deadline: number,
    replicas: number,
    sentinels: number,
  ) {
    const dataNodes = this.nodes.filter(node => node.role === 'redis');
    const sentinelNodes = this.nodes.filter(node => node.role === 'sentinel');
    for (const node of dataNodes) {
      this.spawnNode(this.get(node.name));
    }
    for (const node of dataNodes) {
      await this.until(
        `${node.name} to answer PING`,
        deadline,
        async () => (await this.withClient(node, c => c.ping())) === 'PONG',
        this.get(node.name),
      );
    }
    for (const node of dataNodes.slice(1)) {
      await this.until(
        `${node.name} to report master_link_status:up`,
        deadline,
        async () =>
          /master_link_status:up/.test(
            await this.withClient(node, c => c.info('replication')),
          ),
        this.get(node.name),
      );
    }
    for (const node of sentinelNodes) {
      this.spawnNode(this.get(node.name));
    }
    for (const node of sentinelNodes) {
      await this.until(
        `${node.name} to know the master, ${replicas} replica(s) and ${
          sentinels - 1
        } other sentinel(s)`,
        deadline,
        () =>
          this.withClient(node, async client => {
            const master = toRecord(
              await client.call('SENTINEL', 'MASTER', this.masterName),
            );
            if (
              master.flags !== 'master' ||
              Number(master['num-slaves']) !== replicas ||
              Number(master['num-other-sentinels']) !== sentinels - 1
            ) {
              return false;
            }
            const known = (await client.call(
              'SENTINEL',
              'REPLICAS',
              this.masterName,
            )) as unknown[];
            return known
              .map(toRecord)
              .every(
                r => r.flags === 'slave' && r['master-link-status'] === 'ok',
              );
          }),
        this.get(node.name),
      );
    }
  }

  /** Polls `check` until it returns true; the error names what was awaited. */
  private async until(
    what: string,
    deadline: number,
    check: () => Promise<boolean>,
    proc: NodeProcess,
  ) {
    let lastError = '';
    for (;;) {
      if (proc.node.state === 'stopped') {
        throw new Error(
          `${proc.node.name} exited while waiting for ${what}${this.diagnostics(
            proc,
          )}`,
        );
      }
      try {
        if (await check()) return;
        lastError = '';
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Timed out waiting for ${what}${
            lastError ? ` (last error: ${lastError})` : ''
          }${this.diagnostics(proc)}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  private diagnostics(proc: NodeProcess): string {
    let log = '';
    try {
      log = fs
        .readFileSync(path.join(this.dir, `${proc.node.name}.log`), 'utf8')
        .split('\n')
        .slice(-10)
        .join('\n');
    } catch {
      // No log yet: the process failed before opening it.
    }
    const text = `${proc.output}\n${log}`.trim();
    return text ? `\n${text}` : '';
  }

  /** A short-lived connection: no retries, so a dead or paused node fails fast. */
  private async withClient<T>(
    node: RedisNode,
    fn: (client: Redis) => Promise<T>,
  ): Promise<T> {
    const client = new Redis({
      host: node.host,
      port: node.port,
      password: node.role === 'redis' ? this.password : undefined,
      lazyConnect: true,
      connectTimeout: PROBE_TIMEOUT_MS,
      commandTimeout: PROBE_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    // Failures surface through the promises below; this only silences ioredis' logging.
    client.on('error', () => {});
    try {
      await client.connect();
      return await fn(client);
    } finally {
      client.disconnect();
    }
  }
}
