import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import {
  UpgradeWavesApi,
  UpgradeWavesClient,
} from '@fleetdeck/plugin-upgrade-waves-common';

/** The part of a task's context that decides who the upgrade-waves backend sees as the caller. @public */
export interface TaskInitiator {
  getInitiatorCredentials(): Promise<BackstageCredentials>;
}

/**
 * Where an action gets its upgrade-waves client: one fixed client, or one built per task
 * (so each task calls the backend as the user who started it).
 *
 * @public
 */
export type UpgradeWavesClientSource =
  | UpgradeWavesApi
  | ((task: TaskInitiator) => UpgradeWavesApi);

/**
 * Clients that call the upgrade-waves backend on behalf of the user who runs the template, so the
 * backend applies that user's permissions — the same checks as the portal's buttons.
 *
 * @public
 */
export function upgradeWavesClientForInitiator(options: {
  auth: AuthService;
  discovery: DiscoveryService;
}): (task: TaskInitiator) => UpgradeWavesApi {
  const { auth, discovery } = options;
  return task =>
    new UpgradeWavesClient({
      discoveryApi: discovery,
      getToken: async () => {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await task.getInitiatorCredentials(),
          targetPluginId: 'upgrade-waves',
        });
        return token;
      },
    });
}

/** @internal */
export function clientFor(
  source: UpgradeWavesClientSource,
  task: TaskInitiator,
): UpgradeWavesApi {
  return typeof source === 'function' ? source(task) : source;
}

/**
 * The zod that scaffolder-node hands to schema callbacks. It is scaffolder-node's own copy, whose
 * types are not interchangeable with this package's `zod`, so the schema callbacks are typed with it.
 *
 * @internal
 */
export type ActionZod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];
