/*
 * The time series of the warm-pools plugin: one point per pool per interval (10 s by default).
 * Times are epoch milliseconds, so that SQLite and PostgreSQL bucket them with the same integer arithmetic.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('warm_pools_history', table => {
    // `cluster/namespace/pool`
    table.string('pool_id', 512).notNullable();
    // The interval boundary the point is taken at (a multiple of the interval), in epoch milliseconds. With the
    // pool id it is the key: every backend replica computes the same one, and only the first write is kept.
    table.bigInteger('at_ms').notNullable();
    table.integer('target').nullable();
    table.integer('warm_ready').notNullable();
    table.integer('warm_pending').notNullable();
    table.integer('assigned').notNullable();
    // Sessions that started in the interval ending at at_ms, how many of them on demand, and empty moments.
    table.integer('sessions_started').notNullable();
    table.integer('on_demand_sessions').notNullable();
    table.integer('empty_events').notNullable();
    table.primary(['pool_id', 'at_ms']);
    // Retention deletes by time across pools.
    table.index(['at_ms']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('warm_pools_history');
};
