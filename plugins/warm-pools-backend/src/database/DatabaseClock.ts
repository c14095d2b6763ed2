import { Knex } from 'knex';

/** The database's current time in epoch milliseconds, as SQL of the dialect. */
export function dbNowMsSql(knex: Knex): string {
  const client = String(knex.client.config.client);
  if (client === 'pg') {
    return '(extract(epoch from clock_timestamp()) * 1000)::bigint';
  }
  if (/sqlite/.test(client)) {
    return "cast(round((julianday('now') - 2440587.5) * 86400000) as integer)";
  }
  throw new Error(`no database clock for the ${client} client`);
}

export async function dbNowMs(knex: Knex): Promise<number> {
  const [row] = await knex.select(knex.raw(`${dbNowMsSql(knex)} as ms`));
  return Number((row as { ms: number | string }).ms);
}

export interface DatabaseClockOptions {
  /** This host's clock; `Date.now` by default (tests give a skewed one). */
  localNow?: () => number;
  /** How often the offset to the database's clock is measured again; 60 000 ms by default. */
  resyncMs?: number;
}

/**
 * The database's clock, read locally: this host's time plus the offset to the database's, measured at start
 * and every `resyncMs`. Backend replicas whose clocks disagree agree on this one, so the times they write and
 * compare (history intervals, arrivals, empty moments, staleness, retention) mean the same in every replica.
 */
export class DatabaseClock {
  private offsetMs = 0;
  private timer?: NodeJS.Timeout;
  private readonly localNow: () => number;

  static async create(
    knex: Knex,
    options: DatabaseClockOptions = {},
  ): Promise<DatabaseClock> {
    const clock = new DatabaseClock(knex, options);
    await clock.sync();
    return clock;
  }

  private constructor(
    private readonly knex: Knex,
    private readonly options: DatabaseClockOptions,
  ) {
    this.localNow = options.localNow ?? Date.now;
  }

  readonly now = (): number => this.localNow() + this.offsetMs;

  /** Measures the offset again, halfway through the query's round trip. */
  async sync(): Promise<void> {
    const before = this.localNow();
    const db = await dbNowMs(this.knex);
    const after = this.localNow();
    this.offsetMs = db - (before + after) / 2;
  }

  /** Keeps the offset fresh (a host's clock drifts, or is stepped by NTP); errors keep the last offset. */
  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(
      () => void this.sync().catch(() => undefined),
      this.options.resyncMs ?? 60_000,
    );
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
