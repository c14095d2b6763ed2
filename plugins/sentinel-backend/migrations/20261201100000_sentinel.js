/*
 * Failover records and the replica-lag time series of the sentinel plugin.
 * Times are ISO-8601 strings so that SQLite and PostgreSQL sort and compare them the same way.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('sentinel_failovers', table => {
    // Derived from group, old master and epoch, so every backend replica computes the same id.
    table.string('id').primary();
    table.string('group_name').notNullable();
    table.string('master_name').notNullable();
    table.string('old_master').notNullable();
    table.string('new_master').nullable();
    // The failover epoch: Sentinel starts each failover attempt in a new one.
    table.bigInteger('epoch').notNullable();
    table.string('status').notNullable();
    table.string('trigger_type').notNullable();
    table.string('triggered_by').nullable();
    table.text('reason').nullable();
    table.string('started_at').notNullable();
    table.string('ended_at').nullable();
    // { [phase]: { at, sentinel } }: the first time any sentinel reported each phase.
    table.text('phases').notNullable();
    table.string('updated_at').notNullable();
    // Two backend replicas recording one failover write one row.
    table.unique(['group_name', 'old_master', 'epoch']);
    table.index(['group_name', 'started_at']);
  });
  await knex.schema.createTable('sentinel_lag_samples', table => {
    table.string('group_name').notNullable();
    table.string('replica').notNullable();
    // Start of the sampling interval, so replicas sampling the same interval write one row.
    table.string('at').notNullable();
    table.bigInteger('lag_bytes').notNullable();
    table.double('lag_seconds').notNullable();
    table.primary(['group_name', 'replica', 'at']);
    table.index(['group_name', 'at']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('sentinel_lag_samples');
  await knex.schema.dropTable('sentinel_failovers');
};
