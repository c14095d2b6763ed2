/*
 * Which backend replica writes the pools' history: one at a time, under a lease that expires by the database's
 * clock. Every replica watches the clusters, but each counts a session in the interval its own watch delivered
 * it in; with one writer the points are one replica's consistent view, every session counted once.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('warm_pools_history_writer', table => {
    // One row: 'history'.
    table.string('name').primary();
    table.string('holder').notNullable();
    // Database time (epoch milliseconds) after which another replica may take over.
    table.bigInteger('expires_at_ms').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('warm_pools_history_writer');
};
