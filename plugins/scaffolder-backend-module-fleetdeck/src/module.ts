import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createClusterCheckRegistrationAction,
  createClusterRegisterAction,
  createUpgradeRollbackAction,
  createUpgradeStartAction,
  upgradeWavesClientForInitiator,
} from './actions';

/**
 * The Fleetdeck scaffolder actions: `fleetdeck:upgrade:start`, `fleetdeck:upgrade:rollback`,
 * `fleetdeck:cluster:register` and `fleetdeck:cluster:check-registration`. They call the upgrade-waves backend
 * as the user who runs the template.
 *
 * @public
 */
export const scaffolderModuleFleetdeck = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'fleetdeck',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
      },
      async init({ scaffolder, auth, discovery, config }) {
        const client = upgradeWavesClientForInitiator({ auth, discovery });
        const appBaseUrl = config
          .getOptionalString('app.baseUrl')
          ?.replace(/\/+$/, '');
        scaffolder.addActions(
          createUpgradeStartAction({
            client,
            // The wave page of the upgrade-waves frontend plugin.
            waveUrl: appBaseUrl
              ? waveId =>
                  `${appBaseUrl}/upgrade-waves/waves/${encodeURIComponent(
                    waveId,
                  )}`
              : undefined,
          }),
          createUpgradeRollbackAction({ client }),
          createClusterRegisterAction({ client }),
          createClusterCheckRegistrationAction({ client }),
        );
      },
    });
  },
});
