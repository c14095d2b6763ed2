import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { ClusterRegistryEntityProvider } from './providers';

/**
 * Adds the clusters of Fleetdeck's upgrade-waves registry to the catalog as `Resource` entities.
 *
 * @public
 */
export const catalogModuleClusterRegistry = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'cluster-registry',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        discovery,
        auth,
        events,
      }) {
        catalog.addEntityProvider(
          ClusterRegistryEntityProvider.fromConfig(config, {
            logger,
            scheduler,
            discovery,
            auth,
            events,
          }),
        );
      },
    });
  },
});
