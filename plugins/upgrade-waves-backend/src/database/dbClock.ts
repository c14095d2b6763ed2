import { Knex } from 'knex';

/**
 * The database's clock, as ISO-8601 text in UTC with milliseconds (the format every time column of this plugin
 * holds, so that text comparison orders them). Leases, soaks and timeouts are judged on this one clock: replicas'
 * own clocks may disagree, the database they share does not disagree with itself.
 */
export class DatabaseClock {
  readonly #knex: Knex;
  readonly #postgres: boolean;

  constructor(knex: Knex) {
    this.#knex = knex;
    const client = String(knex.client.config.client ?? '');
    this.#postgres =
      client === 'pg' || client === 'postgres' || client === 'postgresql';
  }

  /** SQL for the database's time now plus `offsetMs` (may be negative), as ISO text. */
  at(offsetMs = 0): Knex.Raw {
    const ms = Math.round(offsetMs);
    if (this.#postgres) {
      // clock_timestamp(), not now(): now() is fixed at the start of the transaction.
      return this.#knex.raw(
        `to_char((clock_timestamp() + (? * interval '1 millisecond')) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        [ms],
      );
    }
    return this.#knex.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)`, [
      `${ms >= 0 ? '+' : ''}${ms / 1000} seconds`,
    ]);
  }

  /** The database's time now, in epoch milliseconds. */
  async now(): Promise<number> {
    const rows: Array<{ now: string }> = await this.#knex
      .select({ now: this.at() })
      .from(this.#knex.raw('(select 1) as one'));
    return Date.parse(rows[0].now);
  }
}
