/*
 * Waves, their clusters, merge requests, check results, the audit log and the step ledger.
 * Times are ISO-8601 strings so that SQLite and PostgreSQL sort and compare them the same way.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('upgrade_waves_waves', table => {
    table.string('id').primary();
    table.string('batch_id').notNullable();
    // Equals batch_id while the wave is active and NULL once it ended: the unique index allows one active wave per batch.
    table.string('active_batch_id').nullable().unique();
    table.string('target_version').notNullable();
    table.string('previous_version').notNullable();
    table.string('status').notNullable().index();
    table.boolean('paused').notNullable().defaultTo(false);
    table.string('created_by').notNullable();
    table.string('created_at').notNullable();
    table.string('updated_at').notNullable();
    table.integer('soak_seconds').notNullable();
    table.boolean('order_overridden').notNullable().defaultTo(false);
    table.text('thresholds').notNullable();
    table.text('decision').nullable();
    table.string('soak_ends_at').nullable();
    // The kubectl.kubernetes.io/restartedAt value of this wave's restarts, fixed once so a repeated restart is a no-op.
    table.string('upgrade_stamp').nullable();
    table.string('rollback_stamp').nullable();
    table.text('reason').nullable();
  });
  await knex.schema.createTable('upgrade_waves_wave_clusters', table => {
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.string('cluster_id').notNullable().index();
    table.string('name').notNullable();
    table.string('status').notNullable();
    table.string('status_since').notNullable();
    table.text('baseline').nullable();
    table.text('latest').nullable();
    table.integer('restart_done').nullable();
    table.integer('restart_total').nullable();
    table.text('message').nullable();
    table.primary(['wave_id', 'cluster_id']);
  });
  await knex.schema.createTable('upgrade_waves_merge_requests', table => {
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.string('kind').notNullable();
    table.string('project').notNullable();
    table.integer('iid').notNullable();
    table.string('web_url').notNullable();
    table.string('branch').notNullable();
    table.string('title').notNullable();
    table.string('state').notNullable();
    table.text('diff').nullable();
    table.primary(['wave_id', 'kind', 'project']);
  });
  await knex.schema.createTable('upgrade_waves_checks', table => {
    table.increments('id');
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.string('cluster_id').notNullable();
    table.string('check').notNullable();
    table.string('phase').notNullable();
    table.string('outcome').notNullable();
    table.text('message').notNullable();
    table.text('detail').nullable();
    table.integer('duration_ms').notNullable();
    table.string('at').notNullable();
    table.index(['wave_id']);
  });
  await knex.schema.createTable('upgrade_waves_events', table => {
    table.increments('id');
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.string('cluster_id').nullable();
    table.string('type').notNullable();
    table.string('from').nullable();
    table.string('to').nullable();
    table.string('actor').notNullable();
    table.text('message').notNullable();
    table.text('links').nullable();
    table.string('at').notNullable();
    table.index(['wave_id']);
  });
  // One row per side-effecting step, written in the transaction that records the step's result: a step can only be recorded once.
  await knex.schema.createTable('upgrade_waves_steps', table => {
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.string('step').notNullable();
    table.string('done_at').notNullable();
    table.primary(['wave_id', 'step']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('upgrade_waves_steps');
  await knex.schema.dropTable('upgrade_waves_events');
  await knex.schema.dropTable('upgrade_waves_checks');
  await knex.schema.dropTable('upgrade_waves_merge_requests');
  await knex.schema.dropTable('upgrade_waves_wave_clusters');
  await knex.schema.dropTable('upgrade_waves_waves');
};
