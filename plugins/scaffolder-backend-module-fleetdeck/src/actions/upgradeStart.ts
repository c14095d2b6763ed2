import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  BATCH_ID_MAX_LENGTH,
  ISTIO_VERSION_MAX_LENGTH,
  WAVE_COMMENT_MAX_LENGTH,
  WAVE_STATUSES,
  waveCreatePermission,
  waveOverrideOrderPermission,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { ActionZod, UpgradeWavesClientSource, clientFor } from './client';
import { callUpgradeWaves } from './errors';
import { examples } from './upgradeStart.examples';

/** Istio versions are plain `x.y.z`; the backend resolves charts and branch names from them. */
export const ISTIO_VERSION_PATTERN = /^\d+\.\d+\.\d+$/;

/** @internal */
export const upgradeStartInput = (z: ActionZod) =>
  z.object({
    batchId: z
      .string({ description: 'The batch to upgrade, e.g. `dev-wave-1`' })
      .min(1)
      .max(BATCH_ID_MAX_LENGTH),
    targetVersion: z
      .string({ description: 'The Istio version to upgrade to, `x.y.z`' })
      .max(ISTIO_VERSION_MAX_LENGTH)
      .regex(ISTIO_VERSION_PATTERN, 'targetVersion must look like 1.24.2'),
    soakSeconds: z
      .number({
        description:
          "Soak time after the upgrade before validating; the batch's own soak time when absent",
      })
      .int()
      .min(0)
      .optional(),
    overrideOrder: z
      .boolean({
        description:
          'Start although the batch before is not HEALTHY on the target version (needs the override-order permission)',
      })
      .optional(),
    reason: z
      .string({ description: 'Why this wave runs; shown in the audit log' })
      .max(WAVE_COMMENT_MAX_LENGTH)
      .optional(),
  });

/**
 * Creates the `fleetdeck:upgrade:start` action: starts an Istio upgrade wave for one batch through
 * the upgrade-waves backend, as the user who runs the template.
 *
 * @public
 */
export function createUpgradeStartAction(options: {
  client: UpgradeWavesClientSource;
  /** Where people follow the wave in the portal; no `waveUrl` output without it. */
  waveUrl?: (waveId: string) => string;
}) {
  return createTemplateAction({
    id: 'fleetdeck:upgrade:start',
    description:
      'Starts an Istio upgrade wave for a batch of clusters (pre-checks, merge request, approval gate, soak).',
    examples,
    schema: {
      input: upgradeStartInput,
      output: z =>
        z.object({
          waveId: z.string({ description: 'The id of the started wave' }),
          status: z.enum(WAVE_STATUSES, {
            description: 'The wave status right after it started',
          }),
          waveUrl: z
            .string({ description: 'The wave page in the portal' })
            .optional(),
        }),
    },
    async handler(ctx) {
      const { batchId, targetVersion, soakSeconds, overrideOrder, reason } =
        ctx.input;
      const client = clientFor(options.client, ctx);
      const permissions = [waveCreatePermission.name];
      if (overrideOrder) {
        permissions.push(waveOverrideOrderPermission.name);
      }

      // Keyed by batch and version: a retried task reuses the wave it started instead of starting another.
      const wave = await ctx.checkpoint({
        key: `fleetdeck.upgrade.start.${batchId}.${targetVersion}`,
        fn: () =>
          callUpgradeWaves(
            {
              doing: `start an upgrade of batch '${batchId}' to Istio ${targetVersion}`,
              permissions,
            },
            async () => {
              const started = await client.startWave({
                batchId,
                targetVersion,
                soakSeconds,
                overrideOrder,
                reason,
              });
              return { waveId: started.id, status: started.status };
            },
          ),
      });

      ctx.logger.info(
        `Upgrade wave ${wave.waveId} for batch ${batchId} to Istio ${targetVersion} is ${wave.status}`,
      );
      ctx.output('waveId', wave.waveId);
      ctx.output('status', wave.status);
      if (options.waveUrl) {
        ctx.output('waveUrl', options.waveUrl(wave.waveId));
      }
    },
  });
}
