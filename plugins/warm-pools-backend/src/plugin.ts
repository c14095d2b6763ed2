import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { warmPoolsPermissions } from '@fleetdeck/plugin-warm-pools-common';
import { readWarmPoolsConfig } from './config';
import { DatabaseClock } from './database/DatabaseClock';
import { applyMigrations } from './database/migrations';
import { PoolHistoryStore } from './database/PoolHistoryStore';
import { PoolHistoryRecorder } from './history/PoolHistoryRecorder';
import { createRouter } from './service/router';
import { WarmPoolsService } from './service/WarmPoolsService';
import { PoolSignalPublisher } from './signals/PoolSignalPublisher';
import { PoolTracker } from './tracker/PoolTracker';

export const HISTORY_TASK_ID = 'warm-pools-history';
export const RETENTION_TASK_ID = 'warm-pools-history-retention';

/**
 * Fleetdeck warm pools: one pod watch per configured cluster in every backend instance, a point per pool every
 * interval in the database, signals on every change, sizing advice, and the REST API with terminate.
 *
 * @public
 */
export const warmPoolsPlugin = createBackendPlugin({
  pluginId: 'warm-pools',
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
        const settings = readWarmPoolsConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) await applyMigrations(knex);
        const store = new PoolHistoryStore(knex);
        // Replicas' clocks disagree; the times they write and compare are the database's.
        const clock = await DatabaseClock.create(knex);

        const intervalMs = settings.history.intervalSeconds * 1000;
        const tracker = PoolTracker.fromConfig(config, {
          // Arrivals are kept long enough for a late or retried history point to still count them.
          activityRetentionMs: Math.max(15 * 60_000, 3 * intervalMs),
          watchIdleTimeoutMs: settings.watch.idleTimeoutSeconds * 1000,
          logger,
          now: clock.now,
        });
        const publisher = new PoolSignalPublisher({
          signals,
          summaryOf: id => tracker.summary(id),
          logger,
        });
        tracker.onPoolChange(id => publisher.changed(id));

        lifecycle.addStartupHook(() => {
          clock.start();
          logger.info(
            `watching warm pools on ${tracker.clusters().length} cluster(s)`,
          );
          // Not awaited: a cluster that is down must not hold up the backend; it is retried with backoff.
          tracker
            .start()
            .catch(error =>
              logger.error(`warm pools tracking failed to start: ${error}`),
            );
        });
        const recorder = new PoolHistoryRecorder({
          tracker,
          store,
          intervalSeconds: settings.history.intervalSeconds,
          now: clock.now,
        });
        lifecycle.addShutdownHook(async () => {
          publisher.stop();
          tracker.stop();
          clock.stop();
          await recorder
            .release()
            .catch(error =>
              logger.warn(`could not hand the history over: ${error}`),
            );
        });

        // Local: every replica runs it, the one holding the writer's lease writes (see the recorder).
        await scheduler.scheduleTask({
          id: HISTORY_TASK_ID,
          scope: 'local',
          frequency: { seconds: settings.history.intervalSeconds },
          timeout: { seconds: Math.max(30, settings.history.intervalSeconds) },
          fn: async () => {
            await recorder.record();
          },
        });
        const retentionMs = settings.history.retentionDays * 24 * 3600 * 1000;
        await scheduler.scheduleTask({
          id: RETENTION_TASK_ID,
          scope: 'global',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          initialDelay: { minutes: 1 },
          fn: async () => {
            const removed = await store.prune(retentionMs);
            if (removed)
              logger.info(`removed ${removed} old pool history points`);
          },
        });

        permissionsRegistry.addPermissions(warmPoolsPermissions);
        httpRouter.use(
          createRouter({
            service: new WarmPoolsService({
              tracker,
              store,
              logger,
              emptyProbabilityTarget: settings.sizing.emptyProbabilityTarget,
              historyIntervalSeconds: settings.history.intervalSeconds,
            }),
            httpAuth,
            permissions,
          }),
        );
      },
    });
  },
});
