import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  PoolId,
  PoolSignal,
  PoolSummary,
  warmPoolsSignalChannels,
} from '@fleetdeck/plugin-warm-pools-common';

type SignalMessage = Parameters<SignalsService['publish']>[0]['message'];

export interface PoolSignalPublisherOptions {
  signals: Pick<SignalsService, 'publish'>;
  /** The pool's summary at the moment of publishing. */
  summaryOf: (id: PoolId) => PoolSummary | undefined;
  logger: LoggerService;
  /** At most one signal per pool per this many milliseconds; 250 by default. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * Publishes `PoolSignal`s on `warmPoolsSignalChannels.pools` and `.pool(id)`, coalesced per pool.
 *
 * A change schedules the pool's signal rather than sending it: the changes that follow within the same tick
 * (a re-list of 2,000 pods emits 2,000 events in one go) and within `minIntervalMs` of the last signal ride on
 * one, and the signal carries the summary as it is when it is sent. So a pool signals at most every 250 ms and a
 * change reaches subscribers at most 250 ms (plus delivery) after it was seen.
 */
export class PoolSignalPublisher {
  private readonly lastSentAt = new Map<PoolId, number>();
  private readonly timers = new Map<PoolId, NodeJS.Timeout>();
  private readonly now: () => number;
  private readonly minIntervalMs: number;
  private stopped = false;

  constructor(private readonly options: PoolSignalPublisherOptions) {
    this.now = options.now ?? Date.now;
    this.minIntervalMs = options.minIntervalMs ?? 250;
  }

  /** Notes that a pool changed. */
  changed(id: PoolId): void {
    if (this.stopped || this.timers.has(id)) return;
    const last = this.lastSentAt.get(id);
    const wait =
      last === undefined
        ? 0
        : Math.max(0, last + this.minIntervalMs - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.lastSentAt.set(id, this.now());
      this.publish(id);
    }, wait);
    timer.unref?.();
    this.timers.set(id, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private publish(id: PoolId) {
    const pool = this.options.summaryOf(id);
    if (!pool || this.stopped) return;
    const signal: PoolSignal = { type: 'pool-changed', pool };
    // The summary is plain JSON data; the signals service's JsonObject type does not know our interfaces.
    const message = signal as unknown as SignalMessage;
    for (const channel of [
      warmPoolsSignalChannels.pools,
      warmPoolsSignalChannels.pool(id),
    ]) {
      this.options.signals
        .publish({ recipients: { type: 'broadcast' }, channel, message })
        .catch(error =>
          this.options.logger.warn(
            `could not signal a change of pool ${id} on ${channel}: ${error}`,
          ),
        );
    }
  }
}
