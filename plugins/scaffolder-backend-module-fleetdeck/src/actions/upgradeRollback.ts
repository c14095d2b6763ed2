import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  WAVE_STATUSES,
  waveRollbackPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { ActionZod, UpgradeWavesClientSource, clientFor } from './client';
import { callUpgradeWaves } from './errors';
import { examples } from './upgradeRollback.examples';

/** @internal */
export const upgradeRollbackInput = (z: ActionZod) =>
  z.object({
    waveId: z.string({ description: 'The wave to roll back' }).min(1),
    comment: z
      .string({ description: 'Why it is rolled back; shown in the audit log' })
      .optional(),
  });

/**
 * Creates the `fleetdeck:upgrade:rollback` action: rolls a wave back to the previous Istio version
 * through the upgrade-waves backend, as the user who runs the template.
 *
 * @public
 */
export function createUpgradeRollbackAction(options: {
  client: UpgradeWavesClientSource;
}) {
  return createTemplateAction({
    id: 'fleetdeck:upgrade:rollback',
    description:
      "Rolls an Istio upgrade wave back to the batch's previous version with a rollback merge request.",
    examples,
    schema: {
      input: upgradeRollbackInput,
      output: z =>
        z.object({
          waveId: z.string({ description: 'The wave rolled back' }),
          status: z.enum(WAVE_STATUSES, {
            description: 'The wave status after the rollback started',
          }),
        }),
    },
    async handler(ctx) {
      const { waveId, comment } = ctx.input;
      const client = clientFor(options.client, ctx);

      // A wave is rolled back at most once; a retried task must not ask twice.
      const wave = await ctx.checkpoint({
        key: `fleetdeck.upgrade.rollback.${waveId}`,
        fn: () =>
          callUpgradeWaves(
            {
              doing: `roll back upgrade wave '${waveId}'`,
              permissions: [waveRollbackPermission.name],
            },
            async () => {
              const rolledBack = await client.rollbackWave(waveId, comment);
              return { waveId: rolledBack.id, status: rolledBack.status };
            },
          ),
      });

      ctx.logger.info(`Upgrade wave ${wave.waveId} is ${wave.status}`);
      ctx.output('waveId', wave.waveId);
      ctx.output('status', wave.status);
    },
  });
}
