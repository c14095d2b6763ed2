import type { LoggerService } from '@backstage/backend-plugin-api';
import { Redis } from 'ioredis';
import type { SentinelGroupConfig, SentinelSettings } from '../config';
import { connectionOptions, ConnectionRole } from '../redis/connectionOptions';
import { addressOf } from '../redis/replies';
import { parseSentinelEvent, SentinelEvent } from './events';

/** The two connections the monitor keeps to one sentinel, and what it knows about reaching it. */
export interface SentinelLink {
  address: string;
  /** SENTINEL commands. */
  commands: Redis;
  /** PSUBSCRIBE to every event channel. */
  subscriber: Redis;
  lastError?: string;
  /** When ioredis tries again, while the sentinel cannot be reached. */
  retryAt?: Date;
}

type Settings = Pick<SentinelSettings, 'commandTimeoutMs' | 'reconnect'>;

/**
 * The ioredis connections of one group: a command and a subscriber connection to each configured sentinel,
 * and one connection to each master or replica the sentinels name. ioredis reconnects with backoff; every
 * error event is handled here, so an unreachable node shows as unreachable and never takes the backend down.
 */
export class SentinelConnections {
  readonly sentinels: SentinelLink[];
  private readonly nodes = new Map<string, Redis>();
  private closed = false;

  constructor(
    private readonly group: SentinelGroupConfig,
    private readonly settings: Settings,
    private readonly logger: LoggerService,
    private readonly onEvent: (event: SentinelEvent) => void,
  ) {
    this.sentinels = group.sentinels.map(sentinel => {
      const link: SentinelLink = {
        address: addressOf(sentinel.host, sentinel.port),
        commands: this.connect(sentinel, 'sentinel'),
        subscriber: this.connect(sentinel, 'subscriber'),
      };
      this.track(link);
      return link;
    });
  }

  /** A connection to a master or replica, made on first use. */
  node(address: string): Redis {
    let client = this.nodes.get(address);
    if (!client) {
      const colon = address.lastIndexOf(':');
      client = this.connect(
        {
          host: address.slice(0, colon),
          port: Number(address.slice(colon + 1)),
        },
        'node',
      );
      this.nodes.set(address, client);
    }
    return client;
  }

  /** Closes the connections to nodes the sentinels no longer name. */
  retainNodes(addresses: Set<string>): void {
    for (const [address, client] of this.nodes) {
      if (!addresses.has(address)) {
        client.disconnect();
        this.nodes.delete(address);
      }
    }
  }

  /**
   * Resolves once `client` can take commands; rejects at once when it is waiting to reconnect (backoff),
   * or after the command timeout while it is connecting.
   */
  async ready(client: Redis): Promise<void> {
    if (client.status === 'ready') return;
    if (client.status !== 'connecting' && client.status !== 'connect') {
      throw new Error(`not connected (${client.status})`);
    }
    await new Promise<void>((resolve, reject) => {
      const state: { timer?: NodeJS.Timeout; lastError?: Error } = {};
      const listeners: Record<string, (...args: any[]) => void> = {};
      const done = (error?: Error) => {
        clearTimeout(state.timer);
        for (const [event, listener] of Object.entries(listeners)) {
          client.off(event, listener);
        }
        if (error) reject(error);
        else resolve();
      };
      listeners.ready = () => done();
      listeners.error = (error: Error) => {
        state.lastError = error;
      };
      listeners.close = () =>
        done(state.lastError ?? new Error('connection closed'));
      for (const [event, listener] of Object.entries(listeners)) {
        client.on(event, listener);
      }
      state.timer = setTimeout(
        () => done(new Error('connection timed out')),
        this.settings.commandTimeoutMs,
      );
    });
  }

  close(): void {
    this.closed = true;
    for (const link of this.sentinels) {
      link.commands.disconnect();
      link.subscriber.disconnect();
    }
    for (const client of this.nodes.values()) client.disconnect();
    this.nodes.clear();
  }

  private connect(
    address: { host: string; port: number },
    role: ConnectionRole,
  ): Redis {
    const client = new Redis(
      connectionOptions(this.group, address, role, this.settings),
    );
    // Without a listener ioredis would report every failed attempt as an unhandled error.
    client.on('error', () => {});
    client.connect().catch(() => {
      // Reported through the error events; ioredis keeps retrying.
    });
    return client;
  }

  private track(link: SentinelLink) {
    let wasReady = false;
    const failed = (error: Error) => {
      link.lastError = error.message;
      if (wasReady && !this.closed) {
        wasReady = false;
        this.logger.warn(
          `sentinel ${link.address} of group ${this.group.name} is unreachable: ${error.message}`,
        );
      }
    };
    link.commands.on('error', failed);
    link.commands.on('reconnecting', (delay: number) => {
      link.retryAt = new Date(Date.now() + delay);
    });
    link.commands.on('ready', () => {
      if (link.lastError) {
        this.logger.info(
          `sentinel ${link.address} of group ${this.group.name} is reachable again`,
        );
      }
      wasReady = true;
      link.lastError = undefined;
      link.retryAt = undefined;
    });
    link.subscriber.on('ready', () => {
      link.subscriber.psubscribe('*').catch(error => {
        this.logger.warn(
          `could not subscribe to the events of sentinel ${link.address}: ${error.message}`,
        );
      });
    });
    link.subscriber.on(
      'pmessage',
      (_pattern: string, channel: string, message: string) => {
        try {
          this.onEvent(parseSentinelEvent(channel, message, link.address));
        } catch (error) {
          this.logger.warn(
            `could not handle sentinel event ${channel} from ${link.address}: ${error}`,
          );
        }
      },
    );
  }
}
