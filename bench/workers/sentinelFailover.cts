/*
 * The measuring half of bench/suites/sentinel-failover.bench.ts. It runs under Backstage's node transform, so the
 * plugin's TypeScript loads as it does in the backend:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/workers/sentinelFailover.cts [--runs 4]
 *
 * It starts a real Sentinel topology (1 master, 2 replicas, 3 sentinels, down-after 2000 ms), runs the plugin's
 * SentinelMonitor on it as the backend does (FailoverRecorder inside, SentinelStore on SQLite, a signals
 * publisher), and, on connections of its own, subscribes to every sentinel's failover events. Runs alternate a
 * killed master (restarted afterwards, when Sentinel turns it into a replica) and a failover requested through
 * the monitor (`SENTINEL FAILOVER`). It prints one JSON line (the last line of stdout) with every run's timeline.
 * Progress goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { SentinelSignal } from '@fleetdeck/plugin-sentinel-common';
import { SentinelTopology } from '@fleetdeck/sandbox';
import { Redis } from 'ioredis';
import knexFactory, { Knex } from 'knex';
import { readSentinelConfig } from '../../plugins/sentinel-backend/src/config';
import { applyMigrations } from '../../plugins/sentinel-backend/src/database/migrations';
import { SentinelStore } from '../../plugins/sentinel-backend/src/database/SentinelStore';
import type { StoredFailover } from '../../plugins/sentinel-backend/src/failover/merge';
import type { SentinelEvent } from '../../plugins/sentinel-backend/src/monitor/events';
import { SentinelMonitor } from '../../plugins/sentinel-backend/src/monitor/SentinelMonitor';

const GROUP = 'session-store';
const MASTER_NAME = 'sessions';
const DOWN_AFTER_MS = 2000;
const FAILOVER_TIMEOUT_MS = 10_000;
/** Channels the independent subscriber follows: the failover's start, its switch and its end. */
const CHANNELS = [
  '+sdown',
  '+odown',
  '+try-failover',
  '+elected-leader',
  '+switch-master',
  '+failover-end',
];

export type FailoverKind = 'kill' | 'manual';

/** One failover, every time in ms on the worker's clock, relative to the moment named. */
export interface FailoverRun {
  kind: FailoverKind;
  oldMaster: string;
  newMaster: string;
  failoverId: string;
  /** The sentinel whose `+switch-master` the independent subscriber received first. */
  firstSwitchBy: string;
  /** Sentinel's side, from the kill or from the failover request. */
  sentinel: {
    /** First `+sdown` about the master (kills only). */
    firstSdownMs?: number;
    firstOdownMs?: number;
    tryFailoverMs?: number;
    firstSwitchMasterMs: number;
    /** Every sentinel's `+switch-master`, in the order received. */
    switchMasterMs: number[];
    failoverEndMs: number;
    /** The whole failover: from the first `+sdown` (kill) or the request (manual) to the first `+switch-master`. */
    toSwitchMasterMs: number;
    /** … and to `+failover-end`. */
    toFailoverEndMs: number;
  };
  /** Fleetdeck's side, from the first `+switch-master` the independent subscriber received. */
  fleetdeck: {
    /** The monitor's own subscriber received a `+switch-master` (negative: before the independent one). */
    monitorReceivedMs: number;
    /** The record carrying the switch (its phase and newMaster) was stored: saveFailover resolved. */
    recordStoredMs: number;
    /**
     * The first record stored with this new master, from an earlier phase (`+selected-slave`) or the switch;
     * negative when Fleetdeck had it before any sentinel published the switch.
     */
    newMasterFirstStoredMs: number;
    /** saveFailover of that write took this long (the rest is the wait behind earlier writes). */
    storeWriteMs: number;
    /** The signal the recorder sent for the switch-master phase was published. */
    signalPublishedMs: number;
    /** The manual request's answer (triggerFailover resolved), from the request. */
    requestAnsweredMs?: number;
  };
}

export interface SentinelFailoverResult {
  downAfterMs: number;
  failoverTimeoutMs: number;
  pollIntervalMs: number;
  startupMs: number;
  runs: FailoverRun[];
  /** Every store write and every signal, counted over all runs. */
  storeWrites: number;
  signals: number;
  warnings: string[];
}

interface SeenEvent {
  at: number;
  channel: string;
  sentinel: string;
  message: string;
}

interface StoreWrite {
  startedAt: number;
  storedAt: number;
  record: StoredFailover;
}

interface PublishedSignal {
  at: number;
  message: SentinelSignal;
  /** The sentinel event the monitor was handling when it published (the recorder's onChange is synchronous). */
  duringEvent?: SentinelEvent;
}

function progress(message: string) {
  process.stderr.write(`  [sentinel-failover] ${message}\n`);
}

function parseArgs(argv: string[]) {
  let runs = 4;
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--runs' && argv[i + 1] !== undefined) {
      runs = Number(argv[i + 1]);
    } else {
      throw new Error(`expected [--runs n], got ${argv.join(' ')}`);
    }
  }
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error('--runs must be a positive integer');
  }
  return { runs };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** The store the backend uses, noting when each write started and when it was stored. */
class TimedStore extends SentinelStore {
  readonly writes: StoreWrite[] = [];

  async saveFailover(record: StoredFailover): Promise<StoredFailover> {
    const startedAt = performance.now();
    const stored = await super.saveFailover(record);
    this.writes.push({ startedAt, storedAt: performance.now(), record });
    return stored;
  }
}

/** Every sentinel's failover events, on connections of the worker's own, with the time each arrived. */
function subscribeToSentinels(topology: SentinelTopology) {
  const seen: SeenEvent[] = [];
  const clients = topology.sentinelAddresses().map(({ host, port }) => {
    const sentinel = `${host}:${port}`;
    const client = new Redis({ host, port, lazyConnect: true });
    client.on('error', () => {});
    client.on('message', (channel: string, message: string) => {
      seen.push({ at: performance.now(), channel, sentinel, message });
    });
    return client;
  });
  return {
    seen,
    async start() {
      for (const client of clients) {
        await client.connect();
        await client.subscribe(...CHANNELS);
      }
    },
    close() {
      for (const client of clients) client.disconnect();
    },
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const password = randomBytes(12).toString('hex');
  const warnings: string[] = [];
  const logger: LoggerService = {
    error: message => {
      warnings.push(message);
      progress(`monitor error: ${message}`);
    },
    warn: message => {
      warnings.push(message);
      progress(`monitor warning: ${message}`);
    },
    info: () => undefined,
    debug: () => undefined,
    child: () => logger,
  };

  const started = performance.now();
  let topology: SentinelTopology | undefined;
  let knex: Knex | undefined;
  let monitor: SentinelMonitor | undefined;
  let subscriber: ReturnType<typeof subscribeToSentinels> | undefined;
  const dataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'fleetdeck-bench-sentinel-'),
  );
  try {
    topology = await SentinelTopology.start({
      masterName: MASTER_NAME,
      password,
      downAfterMs: DOWN_AFTER_MS,
      failoverTimeoutMs: FAILOVER_TIMEOUT_MS,
    });
    const sandbox = topology;
    subscriber = subscribeToSentinels(sandbox);
    await subscriber.start();
    const seen = subscriber.seen;

    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dataDir, 'sentinel.sqlite') },
      useNullAsDefault: true,
    });
    await applyMigrations(knex);
    const store = new TimedStore(knex);

    const published: PublishedSignal[] = [];
    let handling: SentinelEvent | undefined;
    const signals: SignalsService = {
      async publish(signal) {
        published.push({
          at: performance.now(),
          message: signal.message as unknown as SentinelSignal,
          duringEvent: handling,
        });
      },
    };

    // The plugin's defaults, but for a quicker poll (it shows when the group is healthy again between runs)
    // and no session-store sampling, which has nothing to do with failovers.
    const settings = readSentinelConfig(
      new ConfigReader({
        sentinel: {
          pollIntervalMs: 1000,
          sessionStore: { enabled: false },
          groups: [
            {
              name: GROUP,
              masterName: MASTER_NAME,
              sentinels: sandbox
                .sentinelAddresses()
                .map(s => `${s.host}:${s.port}`),
              auth: { password },
            },
          ],
        },
      }),
    );
    const activeMonitor = new SentinelMonitor({
      group: settings.groups[0],
      settings,
      store,
      signals,
      logger,
    });
    monitor = activeMonitor;
    // Which event each signal was sent for, and when the monitor's own subscriber got each `+switch-master`.
    const monitorSwitches: number[] = [];
    const recorder = activeMonitor.recorder;
    const handle = recorder.handle.bind(recorder);
    recorder.handle = event => {
      if (event.name === '+switch-master') {
        monitorSwitches.push(performance.now());
      }
      handling = event;
      try {
        handle(event);
      } finally {
        handling = undefined;
      }
    };
    activeMonitor.start();

    const currentMaster = async () => {
      const { host, port } = await sandbox.currentMaster();
      return `${host}:${port}`;
    };
    const healthy = (what: string) =>
      until(
        what,
        async () => {
          const t = activeMonitor.topology();
          const linked = t.replicas.filter(
            r => r.reachable && r.linkStatus === 'up',
          );
          if (
            t.health !== 'healthy' ||
            !t.sentinelsAgree ||
            linked.length !== 2 ||
            recorder.inProgress().length > 0
          ) {
            return undefined;
          }
          return t.master?.address === (await currentMaster()) ? t : undefined;
        },
        60_000,
      );

    await healthy('a healthy group before the first failover');
    const startupMs = performance.now() - started;
    progress(
      `topology and monitor ready in ${(startupMs / 1000).toFixed(1)} s`,
    );

    const runs: FailoverRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const kind: FailoverKind = i % 2 === 0 ? 'kill' : 'manual';
      if (i > 0) await healthy(`a healthy group before run ${i + 1}`);
      const oldMaster = await currentMaster();
      const masterNode = sandbox.nodes.find(
        n => `${n.host}:${n.port}` === oldMaster,
      );
      if (!masterNode) throw new Error(`no sandbox node is ${oldMaster}`);
      const from = {
        seen: seen.length,
        writes: store.writes.length,
        published: published.length,
        monitorSwitches: monitorSwitches.length,
      };

      const t0 = performance.now();
      let requestAnsweredMs: number | undefined;
      if (kind === 'kill') {
        await sandbox.kill(masterNode.name);
      } else {
        await activeMonitor.triggerFailover({
          reason: 'bench: sentinel failover',
          triggeredBy: 'user:default/bench',
        });
        requestAnsweredMs = performance.now() - t0;
      }

      const events = () => seen.slice(from.seen);
      const first = (channel: string, about?: string) =>
        events().find(
          e =>
            e.channel === channel &&
            (about === undefined || e.message.startsWith(about)),
        );
      const switchOf = (e: SeenEvent) => {
        const [name, oldIp, oldPort, newIp, newPort] = e.message.split(' ');
        return name === MASTER_NAME && `${oldIp}:${oldPort}` === oldMaster
          ? `${newIp}:${newPort}`
          : undefined;
      };
      const firstSwitch = await until(
        `+switch-master from ${oldMaster} (run ${i + 1}, ${kind})`,
        () => events().find(e => e.channel === '+switch-master' && switchOf(e)),
        30_000,
      );
      const newMaster = switchOf(firstSwitch)!;
      const failoverEnd = await until(
        `+failover-end (run ${i + 1})`,
        () =>
          first(
            '+failover-end',
            `master ${MASTER_NAME} ${oldMaster.replace(':', ' ')}`,
          ),
        30_000,
      );
      const stored = await until(
        `the record of the switch to ${newMaster} to be stored`,
        () =>
          store.writes
            .slice(from.writes)
            .find(
              w =>
                w.record.oldMaster === oldMaster &&
                w.record.newMaster === newMaster &&
                w.record.phases.some(p => p.phase === 'switch-master'),
            ),
        10_000,
      );
      const signal = await until(
        `the signal of the switch-master phase`,
        () =>
          published
            .slice(from.published)
            .find(
              s =>
                s.message.type === 'failover' &&
                s.duringEvent?.name === '+switch-master',
            ),
        10_000,
      );
      if (signal.message.failoverId !== stored.record.id) {
        warnings.push(
          `run ${i + 1}: the switch-master signal names failover ${
            signal.message.failoverId ?? '(none)'
          }, the stored record is ${stored.record.id}`,
        );
      }
      // Let the other sentinels' `+switch-master` arrive, for the raw timeline.
      await sleep(500);

      const sdown = first('+sdown', `master ${MASTER_NAME} `);
      const odown = first('+odown', `master ${MASTER_NAME} `);
      const tryFailover = first('+try-failover', `master ${MASTER_NAME} `);
      const start = kind === 'kill' ? sdown?.at : t0;
      if (start === undefined) {
        throw new Error(`run ${i + 1}: no +sdown about the killed master`);
      }
      const since = (at: number, origin: number) =>
        Math.round((at - origin) * 10) / 10;
      const run: FailoverRun = {
        kind,
        oldMaster,
        newMaster,
        failoverId: stored.record.id,
        firstSwitchBy: firstSwitch.sentinel,
        sentinel: {
          firstSdownMs: sdown && since(sdown.at, t0),
          firstOdownMs: odown && since(odown.at, t0),
          tryFailoverMs: tryFailover && since(tryFailover.at, t0),
          firstSwitchMasterMs: since(firstSwitch.at, t0),
          switchMasterMs: events()
            .filter(e => e.channel === '+switch-master' && switchOf(e))
            .map(e => since(e.at, t0)),
          failoverEndMs: since(failoverEnd.at, t0),
          toSwitchMasterMs: since(firstSwitch.at, start),
          toFailoverEndMs: since(failoverEnd.at, start),
        },
        fleetdeck: {
          monitorReceivedMs: since(
            monitorSwitches[from.monitorSwitches] ?? NaN,
            firstSwitch.at,
          ),
          recordStoredMs: since(stored.storedAt, firstSwitch.at),
          newMasterFirstStoredMs: since(
            store.writes
              .slice(from.writes)
              .find(
                w =>
                  w.record.oldMaster === oldMaster &&
                  w.record.newMaster === newMaster,
              )!.storedAt,
            firstSwitch.at,
          ),
          storeWriteMs: since(stored.storedAt, stored.startedAt),
          signalPublishedMs: since(signal.at, firstSwitch.at),
          requestAnsweredMs:
            requestAnsweredMs === undefined
              ? undefined
              : Math.round(requestAnsweredMs),
        },
      };
      runs.push(run);
      progress(
        `run ${i + 1} (${kind} ${
          masterNode.name
        } ${oldMaster} → ${newMaster}): sentinel ${
          run.sentinel.toSwitchMasterMs
        } ms to +switch-master, ${
          run.sentinel.toFailoverEndMs
        } ms to +failover-end; ` +
          `after the first +switch-master: stored ${run.fleetdeck.recordStoredMs} ms, signalled ${run.fleetdeck.signalPublishedMs} ms`,
      );

      if (kind === 'kill') await sandbox.restart(masterNode.name);
    }

    await activeMonitor.stop();
    const result: SentinelFailoverResult = {
      downAfterMs: DOWN_AFTER_MS,
      failoverTimeoutMs: FAILOVER_TIMEOUT_MS,
      pollIntervalMs: settings.pollIntervalMs,
      startupMs: Math.round(startupMs),
      runs,
      storeWrites: store.writes.length,
      signals: published.length,
      warnings,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await monitor?.stop().catch(() => undefined);
    subscriber?.close();
    await knex?.destroy();
    await topology?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
