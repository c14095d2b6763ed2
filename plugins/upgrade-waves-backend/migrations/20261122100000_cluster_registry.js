/*
 * The cluster registry of the `database` store: one row per cluster.
 * Nested values (access, gitops, owners, metrics, Datadog tags) are JSON text so SQLite and PostgreSQL store them alike;
 * updated_at is an ISO-8601 string, like the waves tables' times.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('upgrade_waves_clusters', table => {
    table.string('cluster_id').primary();
    table.string('name').notNullable();
    table.string('batch_id').notNullable().index();
    table.string('environment').notNullable();
    table.string('region').notNullable();
    table.string('account').nullable();
    // IAM role ARNs may be up to 2048 characters.
    table.text('role_arn').nullable();
    table.text('access').notNullable();
    table.text('gitops').notNullable();
    table.string('istio_version').notNullable();
    table.string('istio_revision').nullable();
    table.text('owners').notNullable();
    table.string('status').notNullable();
    table.text('metrics').nullable();
    table.text('datadog_tags').nullable();
    table.string('updated_at').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('upgrade_waves_clusters');
};
