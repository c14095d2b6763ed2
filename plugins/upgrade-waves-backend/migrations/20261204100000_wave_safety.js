/*
 * What the wave engine needs to keep its promises across crashes, replicas and people acting in GitLab:
 * - waves.attention: why a wave stopped for a person (NEEDS_ATTENTION), JSON;
 * - waves.last_failure: the step that failed and is being retried, JSON;
 * - waves.opening: the kind of merge request ('upgrade' | 'rollback') being opened in GitLab before the wave
 *   recorded it, so a crash plus a cancel can find it by its branch and close it;
 * - upgrade_waves_outbox: side effects (registry updates, notifications, signals) written in the transition's
 *   transaction and carried out after it, with retry, by whichever replica drains first.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('upgrade_waves_waves', table => {
    table.text('attention').nullable();
    table.text('last_failure').nullable();
    table.string('opening').nullable();
  });
  await knex.schema.createTable('upgrade_waves_outbox', table => {
    table.increments('id');
    table
      .string('wave_id')
      .notNullable()
      .references('id')
      .inTable('upgrade_waves_waves')
      .onDelete('CASCADE');
    table.text('effect').notNullable();
    table.string('created_at').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.text('last_error').nullable();
    table.string('claimed_until').nullable();
    table.string('done_at').nullable().index();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('upgrade_waves_outbox');
  await knex.schema.alterTable('upgrade_waves_waves', table => {
    table.dropColumn('attention');
    table.dropColumn('last_failure');
    table.dropColumn('opening');
  });
};
