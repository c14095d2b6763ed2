import { setTimeout as delay } from 'node:timers/promises';
import type { Knex } from 'knex';
import { abortable } from '../abortable';
import { DatabaseClock } from '../database/dbClock';
import {
  checkRateLimit,
  GitLabRequestLimiter,
  GitLabWaitError,
} from './GitLabRateLimiter';

const HOSTS = 'upgrade_waves_gitlab_hosts';
const STARTS = 'upgrade_waves_gitlab_request_starts';
// setTimeout's largest delay; longer waits are slept in several turns
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Time as the shared limiter sees it; tests give a manual one. */
export interface SharedLimiterClock {
  /** Epoch milliseconds now; by default the database's clock, read in the limiter's transaction `db`. */
  now(db: Knex): Promise<number>;
  /** Rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The database's clock: replicas' own clocks may disagree, the database they share does not disagree with itself. */
export const databaseClock: SharedLimiterClock = {
  now: db => new DatabaseClock(db).now(),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, { signal });
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  },
};

export interface SharedGitLabRateLimiterOptions {
  /** The plugin's database (migrations applied); every replica passes the same one. */
  knex: Knex;
  /** The GitLab host whose budget this is, e.g. `gitlab.example.com`; one row per host. */
  host: string;
  /** Most request starts in any window, across all replicas; 600 by default. */
  limit?: number;
  /** The window, 60 000 ms by default. */
  windowMs?: number;
  /**
   * The longest one `acquire` waits, once it is its replica's turn; 60 000 ms by default. A longer wait fails at
   * once with a {@link GitLabWaitError} saying until when.
   */
  maxWaitMs?: number;
  clock?: SharedLimiterClock;
  /** Told when this replica learns that GitLab asked to be left alone until `until`. */
  onBlocked?: (event: { host: string; until: Date }) => void;
}

/**
 * The GitLab rate limit of all replicas together, kept in the database: for each host a row holding
 * `blocked_until` (the end of the last `Retry-After`), and the start times of its recent requests (a
 * sliding-window log). A request may start at database time `t` only while fewer than `limit` requests started in
 * `(t - windowMs, t]` and `t` is not before `blocked_until`; the check and the insert of `t` happen in one
 * transaction that locks the host's row, so replicas take turns and together never pass the limit in any window.
 * Within a replica, callers queue first come, first served, and only the first of them asks the database.
 */
export class SharedGitLabRateLimiter implements GitLabRequestLimiter {
  readonly host: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly maxWaitMs: number;
  readonly #knex: Knex;
  readonly #clock: SharedLimiterClock;
  readonly #onBlocked?: SharedGitLabRateLimiterOptions['onBlocked'];
  readonly #postgres: boolean;
  #queue: Promise<void> = Promise.resolve();
  #hostRow?: Promise<void>;

  constructor(options: SharedGitLabRateLimiterOptions) {
    const {
      limit = 600,
      windowMs = 60_000,
      maxWaitMs = 60_000,
      clock = databaseClock,
    } = options;
    checkRateLimit(limit, windowMs);
    if (!(maxWaitMs >= 0)) {
      throw new RangeError(
        `The longest wait for GitLab is a duration, not ${maxWaitMs}`,
      );
    }
    this.host = options.host;
    this.limit = limit;
    this.windowMs = windowMs;
    this.maxWaitMs = maxWaitMs;
    this.#knex = options.knex;
    this.#clock = clock;
    this.#onBlocked = options.onBlocked;
    this.#postgres = /^(pg|postgres|postgresql)$/.test(
      String(options.knex.client.config.client ?? ''),
    );
  }

  acquire(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    const turn = this.#queue.then(() => this.#takeSlot(signal));
    this.#queue = turn.catch(() => undefined);
    return signal ? abortable(turn, signal) : turn;
  }

  async holdOff(ms: number): Promise<void> {
    await this.#ensureHostRow();
    const until = await this.#knex.transaction(async tx => {
      const row = await this.#lockHostRow(tx);
      const wanted = (await this.#clock.now(tx)) + Math.max(0, ms);
      const current = row?.blocked_until ? Date.parse(row.blocked_until) : 0;
      if (wanted <= current) return current;
      await tx(HOSTS)
        .where({ host: this.host })
        .update({ blocked_until: new Date(wanted).toISOString() });
      return wanted;
    });
    this.#onBlocked?.({ host: this.host, until: new Date(until) });
  }

  async blockedUntil(): Promise<Date | undefined> {
    const row = await this.#knex(HOSTS)
      .where({ host: this.host })
      .first('blocked_until');
    if (!row?.blocked_until) return undefined;
    const until = Date.parse(row.blocked_until);
    return until > (await this.#clock.now(this.#knex))
      ? new Date(until)
      : undefined;
  }

  async #takeSlot(signal?: AbortSignal): Promise<void> {
    await this.#ensureHostRow();
    let deadline: number | undefined;
    for (;;) {
      // a caller that gave up while queued takes no slot
      signal?.throwIfAborted();
      const { now, waitMs, blocked } = await this.#knex.transaction(tx =>
        this.#tryStart(tx),
      );
      if (waitMs <= 0) return;
      deadline ??= now + this.maxWaitMs;
      const until = now + waitMs;
      if (until > deadline) {
        const at = new Date(until).toISOString();
        throw new GitLabWaitError(
          blocked
            ? `GitLab at ${this.host} asked (Retry-After) to be left alone; waiting for GitLab until ${at}`
            : `The GitLab rate limit for ${this.host} (${
                this.limit
              } requests per ${
                this.windowMs / 1000
              } s, all replicas together) is used up; waiting for GitLab until ${at}`,
          new Date(until),
        );
      }
      // the loop asks the database again on waking, so a wake-up early or late does no harm
      await this.#clock.sleep(Math.min(waitMs, MAX_TIMER_MS), signal);
    }
  }

  /** Counts a start now when the window and the hold-off allow it; else says how long to wait. */
  async #tryStart(
    tx: Knex.Transaction,
  ): Promise<{ now: number; waitMs: number; blocked: boolean }> {
    const row = await this.#lockHostRow(tx);
    const now = await this.#clock.now(tx);
    const blockedUntil = row?.blocked_until ? Date.parse(row.blocked_until) : 0;
    if (blockedUntil > now) {
      return { now, waitMs: blockedUntil - now, blocked: true };
    }
    await tx(STARTS)
      .where({ host: this.host })
      .andWhere('started_at', '<=', new Date(now - this.windowMs).toISOString())
      .delete();
    const recent: Array<{ started_at: string }> = await tx(STARTS)
      .where({ host: this.host })
      .orderBy('started_at', 'desc')
      .limit(this.limit)
      .select('started_at');
    if (recent.length < this.limit) {
      await tx(STARTS).insert({
        host: this.host,
        started_at: new Date(now).toISOString(),
      });
      return { now, waitMs: 0, blocked: false };
    }
    const oldest = Date.parse(recent[this.limit - 1].started_at);
    return { now, waitMs: oldest + this.windowMs - now, blocked: false };
  }

  async #lockHostRow(
    tx: Knex.Transaction,
  ): Promise<{ blocked_until: string | null } | undefined> {
    const query = tx(HOSTS).where({ host: this.host });
    // SQLite runs one writing transaction at a time and has no row locks
    return (this.#postgres ? query.forUpdate() : query).first('blocked_until');
  }

  #ensureHostRow(): Promise<void> {
    this.#hostRow ??= this.#knex(HOSTS)
      .insert({ host: this.host, blocked_until: null })
      .onConflict('host')
      .ignore()
      .then(() => undefined);
    // a failed insert is tried again by the next caller
    this.#hostRow.catch(() => {
      this.#hostRow = undefined;
    });
    return this.#hostRow;
  }
}
