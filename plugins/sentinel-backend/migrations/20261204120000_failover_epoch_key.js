/*
 * One failover, one row, whoever watches it: rows are keyed by group and failover epoch (every sentinel and
 * every backend replica agrees on the epoch; the old master's address can be seen differently), writes are
 * conditional on a version so that no replica overwrites what another wrote since it read, and a failover
 * finished while no backend watched says which phases nobody saw and how its end was learnt.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Older rows could hold one failover twice under two old-master spellings; keep the first written.
  const duplicates = await knex('sentinel_failovers')
    .select('group_name', 'epoch')
    .groupBy('group_name', 'epoch')
    .havingRaw('count(*) > 1');
  for (const { group_name, epoch } of duplicates) {
    const rows = await knex('sentinel_failovers')
      .where({ group_name, epoch })
      .orderBy('updated_at', 'asc')
      .select('id');
    await knex('sentinel_failovers')
      .whereIn(
        'id',
        rows.slice(1).map(r => r.id),
      )
      .delete();
  }
  await knex.schema.alterTable('sentinel_failovers', table => {
    table.dropUnique(['group_name', 'old_master', 'epoch']);
    table.unique(['group_name', 'epoch']);
    // Bumped by every write; an update names the version it read.
    table.integer('version').notNullable().defaultTo(0);
    // JSON array of phase names.
    table.text('unobserved_phases').nullable();
    table.text('outcome').nullable();
    table.index(['group_name', 'status']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('sentinel_failovers', table => {
    table.dropIndex(['group_name', 'status']);
    table.dropColumn('outcome');
    table.dropColumn('unobserved_phases');
    table.dropColumn('version');
    table.dropUnique(['group_name', 'epoch']);
    table.unique(['group_name', 'old_master', 'epoch']);
  });
};
