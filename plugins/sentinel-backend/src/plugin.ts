import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { sentinelPermissions } from '@fleetdeck/plugin-sentinel-common';
import { readSentinelConfig } from './config';
import { applyMigrations } from './database/migrations';
import { SentinelStore } from './database/SentinelStore';
import { SentinelMonitor } from './monitor/SentinelMonitor';
import { createRouter } from './service/router';
import { SentinelService } from './service/SentinelService';

export const LAG_RETENTION_TASK_ID = 'sentinel-lag-retention';

/**
 * Fleetdeck Redis Sentinel: a monitor per configured group (topology, failovers, replica lag, session-store
 * shape) in every backend instance, and the REST API.
 *
 * @public
 */
export const sentinelPlugin = createBackendPlugin({
  pluginId: 'sentinel',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        signals: signalsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        lifecycle,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        signals,
      }) {
        const settings = readSentinelConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) await applyMigrations(knex);
        const store = new SentinelStore(knex);

        const monitors = settings.groups.map(
          group =>
            new SentinelMonitor({
              group,
              settings,
              store,
              signals,
              logger: logger.child({ sentinelGroup: group.name }),
            }),
        );
        lifecycle.addStartupHook(() => monitors.forEach(m => m.start()));
        lifecycle.addShutdownHook(async () => {
          await Promise.all(monitors.map(m => m.stop()));
        });

        const retentionMs = settings.lag.retentionDays * 24 * 3600 * 1000;
        await scheduler.scheduleTask({
          id: LAG_RETENTION_TASK_ID,
          scope: 'global',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const removed = await store.pruneLag(
              new Date(Date.now() - retentionMs),
            );
            if (removed) logger.info(`removed ${removed} old lag samples`);
          },
        });

        permissionsRegistry.addPermissions(sentinelPermissions);
        httpRouter.use(
          createRouter({
            service: new SentinelService({
              groups: settings.groups,
              monitors,
              store,
            }),
            httpAuth,
            permissions,
          }),
        );
      },
    });
  },
});
