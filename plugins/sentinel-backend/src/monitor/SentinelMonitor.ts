import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  FailoverRecord,
  GroupTopology,
  SentinelSignal,
  sentinelSignalChannel,
  SessionStoreStats,
} from '@fleetdeck/plugin-sentinel-common';
import type { SentinelGroupConfig, SentinelSettings } from '../config';
import type { SentinelStore } from '../database/SentinelStore';
import { FailoverRecorder } from '../failover/FailoverRecorder';
import type { SentinelMasterView } from '../failover/reconcile';
import {
  addressOf,
  flagsOf,
  numberField,
  parseCkquorum,
  parseInfo,
  toRecord,
  toRecords,
} from '../redis/replies';
import { CommandBudget } from '../sessionStore/CommandBudget';
import { SessionStoreSampler } from '../sessionStore/SessionStoreSampler';
import { SentinelEvent } from './events';
import { SentinelConnections, SentinelLink } from './SentinelConnections';
import {
  agreedMaster,
  assembleTopology,
  NodeInfo,
  SentinelPoll,
  topologyDigest,
  unknownTopology,
} from './topology';

export interface SentinelMonitorOptions {
  group: SentinelGroupConfig;
  settings: SentinelSettings;
  store: SentinelStore;
  logger: LoggerService;
  signals?: SignalsService;
}

/** Events after which the topology is polled at once rather than at the next interval. */
const TOPOLOGY_EVENTS = new Set([
  '+sdown',
  '-sdown',
  '+odown',
  '-odown',
  '+switch-master',
  '+failover-end',
  '+promoted-slave',
  '+slave',
  '+sentinel',
  '+reboot',
  '+convert-to-slave',
  '+tilt',
  '-tilt',
]);

const errorText = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(
    /^(ReplyError|Error): /,
    '',
  );

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      value => {
        clearTimeout(timer);
        resolve(value);
      },
      error => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Watches one Sentinel group from this backend instance: polls the sentinels (`SENTINEL MASTER`, `REPLICAS`,
 * `SENTINELS`, `CKQUORUM`) and the nodes (`INFO replication`), follows every sentinel's events into the
 * FailoverRecorder, stores replica lag, samples the session store, and signals changes. Its state is in
 * memory; what must last (failovers, lag) goes to the store. No failure of Redis escapes it.
 */
export class SentinelMonitor {
  readonly recorder: FailoverRecorder;
  private readonly connections: SentinelConnections;
  private readonly sampler: SessionStoreSampler;
  private latest: GroupTopology;
  private latestStats: SessionStoreStats | null = null;
  private digest?: string;
  private previousMaster?: { address: string; offset: number; at: number };
  private lastLagAt = 0;
  private lastReconcileAt = -Infinity;
  private pollTimer?: NodeJS.Timeout;
  private nextPollAt = Infinity;
  private sampleTimer?: NodeJS.Timeout;
  private polling?: Promise<GroupTopology>;
  private pollAgain = false;
  private stopped = false;

  constructor(private readonly options: SentinelMonitorOptions) {
    const { group, settings, logger } = options;
    this.latest = unknownTopology(
      group.name,
      group.masterName,
      group.sentinels.map(s => addressOf(s.host, s.port)),
      new Date(),
    );
    this.recorder = new FailoverRecorder({
      group: group.name,
      masterName: group.masterName,
      sink: options.store,
      logger,
      staleAfterMs: settings.failover.staleAfterMs,
      reconcileAfterMs: Math.min(
        settings.failover.staleAfterMs,
        settings.failover.reconcileIntervalMs,
      ),
      currentMaster: () => this.currentMaster(),
      onChange: record =>
        this.signal({
          type: 'failover',
          ...(record.id ? { failoverId: record.id } : {}),
        }),
    });
    this.sampler = new SessionStoreSampler({
      budget: new CommandBudget(settings.sessionStore.commandsPerMinute),
      sampleKeys: settings.sessionStore.sampleKeys,
      scanCount: settings.sessionStore.scanCount,
    });
    this.connections = new SentinelConnections(group, settings, logger, event =>
      this.onEvent(event),
    );
  }

  get name(): string {
    return this.options.group.name;
  }

  start(): void {
    this.schedulePoll(0);
    if (this.options.settings.sessionStore.enabled) {
      this.scheduleSample(this.options.settings.pollIntervalMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.sampleTimer);
    await this.polling?.catch(() => undefined);
    await this.recorder.flush();
    this.connections.close();
  }

  topology(): GroupTopology {
    return this.latest;
  }

  sessionStoreStats(): SessionStoreStats | null {
    return this.latestStats;
  }

  /** Polls now (or joins the poll under way) and returns the topology. */
  poll(): Promise<GroupTopology> {
    if (!this.polling) {
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
      });
    }
    return this.polling;
  }

  /**
   * `SENTINEL FAILOVER` on the first sentinel that answers; resolves with the failover record, which carries
   * `triggeredBy` and `reason`, once a sentinel reports the failover under way.
   */
  async triggerFailover(request: {
    reason: string;
    triggeredBy: string;
  }): Promise<FailoverRecord> {
    const { masterName } = this.options.group;
    // Another sentinel than the leader would start a second failover rather than answer INPROG.
    const running = this.recorder.inProgress()[0];
    if (running) {
      throw new ConflictError(
        `a failover of ${masterName} (from ${running.oldMaster}) is already in progress`,
      );
    }
    const links = [...this.connections.sentinels].sort(
      (a, b) =>
        Number(b.commands.status === 'ready') -
        Number(a.commands.status === 'ready'),
    );
    const errors: string[] = [];
    for (const link of links) {
      let oldMaster: string;
      try {
        await this.connections.ready(link.commands);
        const reply = await link.commands.call(
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          masterName,
        );
        if (!Array.isArray(reply) || reply.length < 2) {
          errors.push(`${link.address}: does not monitor ${masterName}`);
          continue;
        }
        oldMaster = addressOf(String(reply[0]), String(reply[1]));
      } catch (error) {
        errors.push(`${link.address}: ${errorText(error)}`);
        continue;
      }

      const expected = this.recorder.expectManual({
        oldMaster,
        ...request,
        at: new Date(),
      });
      try {
        await link.commands.call('SENTINEL', 'FAILOVER', masterName);
      } catch (error) {
        const message = errorText(error);
        if (/^(INPROG|NOGOODSLAVE)/.test(message)) {
          expected.cancel();
          throw new ConflictError(
            `sentinel ${link.address} refused to fail ${masterName} over: ${message}`,
          );
        }
        // The command may have run: keep expecting its failover, but do not ask another sentinel.
        throw new ServiceUnavailableError(
          `sentinel ${link.address} did not confirm the failover of ${masterName}: ${message}`,
        );
      }
      this.options.logger.info(
        `failover of ${masterName} (group ${this.name}) requested by ${request.triggeredBy} on sentinel ${link.address}`,
      );
      this.pollSoon();
      const record = await withTimeout(
        expected.record,
        this.options.settings.failover.confirmTimeoutMs,
      );
      if (!record) {
        throw new ServiceUnavailableError(
          `sentinel ${link.address} accepted the failover of ${masterName}, but no sentinel reported it under way within ${this.options.settings.failover.confirmTimeoutMs} ms`,
        );
      }
      return record;
    }
    throw new ServiceUnavailableError(
      `no sentinel of group ${this.name} could take the failover: ${errors.join(
        '; ',
      )}`,
    );
  }

  private onEvent(event: SentinelEvent) {
    this.recorder.handle(event);
    if (TOPOLOGY_EVENTS.has(event.name)) this.pollSoon();
  }

  /** A poll within 50 ms; events in a burst (a failover) share it. */
  private pollSoon() {
    if (this.polling) {
      this.pollAgain = true;
    } else if (this.nextPollAt - Date.now() > 50) {
      this.schedulePoll(50);
    }
  }

  private schedulePoll(delayMs: number) {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    this.nextPollAt = Date.now() + delayMs;
    this.pollTimer = setTimeout(() => {
      this.nextPollAt = Infinity;
      this.poll()
        .catch(error =>
          this.options.logger.warn(
            `polling group ${this.name} failed: ${error}`,
          ),
        )
        .finally(() => {
          const again = this.pollAgain;
          this.pollAgain = false;
          this.schedulePoll(again ? 50 : this.options.settings.pollIntervalMs);
        });
    }, delayMs);
    this.pollTimer.unref?.();
  }

  private scheduleSample(delayMs: number) {
    if (this.stopped) return;
    this.sampleTimer = setTimeout(() => {
      this.sampleSessionStore()
        .catch(error =>
          this.options.logger.warn(
            `sampling the session store of group ${
              this.name
            } failed: ${errorText(error)}`,
          ),
        )
        .finally(() =>
          this.scheduleSample(this.options.settings.sessionStore.intervalMs),
        );
    }, delayMs);
    this.sampleTimer.unref?.();
  }

  private async pollOnce(): Promise<GroupTopology> {
    const { group, settings } = this.options;
    const polls = await Promise.all(
      this.connections.sentinels.map(link => this.pollSentinel(link)),
    );
    const agreed = agreedMaster(polls);
    const authority =
      polls.find(
        p =>
          p.reachable &&
          p.master &&
          addressOf(p.master.ip, p.master.port) === agreed.address,
      ) ?? undefined;
    const addresses = new Set<string>();
    if (agreed.address) addresses.add(agreed.address);
    for (const replica of authority?.replicas ?? []) {
      addresses.add(addressOf(replica.ip, replica.port));
    }
    const nodes = new Map<string, NodeInfo>(
      await Promise.all(
        [...addresses].map(
          async address => [address, await this.nodeInfo(address)] as const,
        ),
      ),
    );
    this.connections.retainNodes(addresses);

    const now = Date.now();
    const topology = assembleTopology({
      group: group.name,
      masterName: group.masterName,
      sentinels: polls,
      nodes,
      masterWriteRate: this.writeRate(agreed.address, nodes, now),
      at: new Date(now),
    });
    if (this.stopped) return topology;
    this.latest = topology;
    this.recorder.sweep(topology.master?.address);

    const digest = topologyDigest(topology);
    if (digest !== this.digest) {
      this.digest = digest;
      this.signal({ type: 'topology' });
    }
    if (now - this.lastLagAt >= settings.lag.sampleIntervalMs) {
      await this.storeLag(topology, now);
    }
    if (now - this.lastReconcileAt >= settings.failover.reconcileIntervalMs) {
      this.lastReconcileAt = now;
      await this.reconcile(polls);
    }
    return topology;
  }

  /** Open failover records (any replica's, or this one's before a restart) against what the sentinels say now. */
  private async reconcile(polls: SentinelPoll[]) {
    const views = polls.flatMap((poll): SentinelMasterView[] => {
      const master = poll.reachable ? poll.master : undefined;
      const configEpoch = numberField(master, 'config-epoch');
      if (!master?.ip || configEpoch === undefined) return [];
      const flags = flagsOf(master);
      return [
        {
          sentinel: poll.address,
          master: addressOf(master.ip, master.port),
          configEpoch,
          failoverInProgress: flags.includes('failover_in_progress'),
          failoverState: master['failover-state'],
          masterDown: flags.includes('s_down') || flags.includes('o_down'),
        },
      ];
    });
    try {
      const open = await this.options.store.listOpenFailovers(this.name);
      if (open.length > 0) await this.recorder.reconcile(open, views);
    } catch (error) {
      this.options.logger.warn(
        `could not reconcile the open failovers of group ${this.name}: ${error}`,
      );
    }
  }

  private async pollSentinel(link: SentinelLink): Promise<SentinelPoll> {
    const { masterName } = this.options.group;
    const unreachable = (error: unknown): SentinelPoll => {
      link.lastError = errorText(error);
      return {
        address: link.address,
        reachable: false,
        lastError: link.lastError,
        retryAt: link.retryAt?.toISOString(),
      };
    };
    try {
      await this.connections.ready(link.commands);
      const call = (...args: string[]) =>
        link.commands.call('SENTINEL', ...args);
      const [info, master, replicas, peers, quorum] = await Promise.all([
        link.commands.info('sentinel'),
        call('MASTER', masterName),
        call('REPLICAS', masterName),
        call('SENTINELS', masterName),
        call('CKQUORUM', masterName).then(
          reply => parseCkquorum(reply, false),
          error => {
            // NOQUORUM is an answer; a timeout or a closed connection is not.
            if (!/NOQUORUM/.test(String(error))) throw error;
            return parseCkquorum(error, true);
          },
        ),
      ]);
      return {
        address: link.address,
        reachable: true,
        master: toRecord(master),
        replicas: toRecords(replicas),
        peers: toRecords(peers),
        quorum,
        tilt: parseInfo(info).sentinel_tilt === '1',
      };
    } catch (error) {
      return unreachable(error);
    }
  }

  private async nodeInfo(address: string): Promise<NodeInfo> {
    const client = this.connections.node(address);
    try {
      await this.connections.ready(client);
      return {
        reachable: true,
        info: parseInfo(await client.info('replication')),
      };
    } catch (error) {
      return { reachable: false, error: errorText(error) };
    }
  }

  /** Bytes per second the master's replication offset grew since the last poll of the same master. */
  private writeRate(
    master: string | undefined,
    nodes: Map<string, NodeInfo>,
    now: number,
  ): number | undefined {
    const offset = numberField(
      master ? nodes.get(master)?.info : undefined,
      'master_repl_offset',
    );
    const previous = this.previousMaster;
    this.previousMaster =
      master && offset !== undefined
        ? { address: master, offset, at: now }
        : undefined;
    if (
      !previous ||
      offset === undefined ||
      previous.address !== master ||
      offset < previous.offset ||
      now <= previous.at
    ) {
      return undefined;
    }
    return ((offset - previous.offset) * 1000) / (now - previous.at);
  }

  private async storeLag(topology: GroupTopology, now: number) {
    const interval = this.options.settings.lag.sampleIntervalMs;
    this.lastLagAt = now;
    // The start of the interval: backend replicas sampling the same interval write the same row.
    const at = new Date(Math.floor(now / interval) * interval).toISOString();
    const samples = topology.replicas.flatMap(replica =>
      replica.lagBytes !== undefined && replica.lagSeconds !== undefined
        ? [
            {
              at,
              replica: replica.address,
              lagBytes: replica.lagBytes,
              lagSeconds: replica.lagSeconds,
            },
          ]
        : [],
    );
    try {
      await this.options.store.addLagSamples(this.name, samples);
    } catch (error) {
      this.options.logger.warn(
        `could not store the replica lag of group ${this.name}: ${error}`,
      );
    }
  }

  /** A linked replica when there is one (sampling stays off the master), else the master. */
  private async sampleSessionStore() {
    const topology = this.latest;
    const node =
      topology.replicas.find(
        r => r.reachable && r.role === 'replica' && r.linkStatus === 'up',
      ) ?? (topology.master?.reachable ? topology.master : undefined);
    if (!node) return;
    const client = this.connections.node(node.address);
    await this.connections.ready(client);
    const stats = await this.sampler.sample(client, this.name, node.address);
    if (stats) this.latestStats = stats;
  }

  /** The master and its config epoch, from the first sentinel that answers. */
  private async currentMaster() {
    for (const link of this.connections.sentinels) {
      if (link.commands.status !== 'ready') continue;
      try {
        const master = toRecord(
          await link.commands.call(
            'SENTINEL',
            'MASTER',
            this.options.group.masterName,
          ),
        );
        const epoch = numberField(master, 'config-epoch');
        if (master.ip && epoch !== undefined) {
          return { address: addressOf(master.ip, master.port), epoch };
        }
      } catch {
        // Try the next sentinel.
      }
    }
    return undefined;
  }

  private signal(change: Pick<SentinelSignal, 'type' | 'failoverId'>) {
    const signals = this.options.signals;
    if (!signals || this.stopped) return;
    const message = {
      group: this.name,
      ...change,
      at: new Date().toISOString(),
    } satisfies SentinelSignal;
    signals
      .publish({
        recipients: { type: 'broadcast' },
        channel: sentinelSignalChannel(this.name),
        message,
      })
      .catch(error =>
        this.options.logger.warn(
          `could not signal a change of group ${this.name}: ${error}`,
        ),
      );
  }
}
