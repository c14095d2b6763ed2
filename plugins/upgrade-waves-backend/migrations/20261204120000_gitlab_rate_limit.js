/*
 * The GitLab rate limit that all replicas share: per GitLab host, until when GitLab asked (Retry-After) to be left
 * alone, and the start times of its recent requests (a sliding-window log). Times are ISO-8601 text on the
 * database's clock, like every time here.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('upgrade_waves_gitlab_hosts', table => {
    table.string('host').primary();
    table.string('blocked_until').nullable();
  });
  await knex.schema.createTable(
    'upgrade_waves_gitlab_request_starts',
    table => {
      table.increments('id');
      table.string('host').notNullable();
      table.string('started_at').notNullable();
      table.index(['host', 'started_at']);
    },
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('upgrade_waves_gitlab_request_starts');
  await knex.schema.dropTable('upgrade_waves_gitlab_hosts');
};
