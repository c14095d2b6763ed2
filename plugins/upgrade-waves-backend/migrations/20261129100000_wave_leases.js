/*
 * A replica's claim on a wave while it drives it: who holds it and until when (ISO-8601, like every time here).
 * A replica that dies leaves its claim to expire; another one (or the restarted one) then takes the wave over.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('upgrade_waves_waves', table => {
    table.string('lease_owner').nullable();
    table.string('lease_expires_at').nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('upgrade_waves_waves', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('lease_expires_at');
  });
};
