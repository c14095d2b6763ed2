import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  CLUSTER_REGISTRY_EVENT_TOPIC,
  upgradeWavesPermissions,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { WaveCheckSuite } from './checks/WaveCheckSuite';
import { readUpgradeWavesConfig } from './config';
import { configuredLater } from './configuredLater';
import { applyMigrations } from './database/migrations';
import { GitLabMergeRequests } from './gitlab';
import { GitLabWaveMergeRequests } from './gitops/GitLabWaveMergeRequests';
import {
  ConfigClusterConnector,
  IstioRollout,
  kubernetesCheckOptionsFromConfig,
  kubernetesChecks,
  kubernetesPostChecks,
} from './kubernetes';
import { createAlertSource, createMetricSource } from './metrics';
import { WaveOrchestrator } from './orchestrator/WaveOrchestrator';
import { WaveStore } from './orchestrator/WaveStore';
import {
  createClusterRegistry,
  seedClusters,
  withChangeListener,
} from './registry';
import { BackstageWaveNotifier } from './service/BackstageWaveNotifier';
import { BlastRadius } from './service/BlastRadius';
import { createRouter } from './service/router';
import { UpgradeWavesService } from './service/UpgradeWavesService';

export const ORCHESTRATOR_TASK_ID = 'upgrade-waves-orchestrator';

/**
 * Fleetdeck upgrade waves: the cluster registry, the wave orchestrator (a scheduled task) and the REST API.
 *
 * @public
 */
export const upgradeWavesPlugin = createBackendPlugin({
  pluginId: 'upgrade-waves',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        events: eventsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
        signals,
        notifications,
        events,
      }) {
        const settings = readUpgradeWavesConfig(config);
        const knex = await database.getClient();
        if (!database.migrations?.skip) await applyMigrations(knex);

        const registry = withChangeListener(
          await createClusterRegistry({
            config,
            knex: () => knex,
            logger,
            skipMigrations: true,
          }),
          clusterId => {
            events
              .publish({
                topic: CLUSTER_REGISTRY_EVENT_TOPIC,
                eventPayload: { clusterId },
              })
              .catch(error =>
                logger.warn(`could not publish a registry change: ${error}`),
              );
          },
        );
        await seedClusters(registry, config, logger);

        const connector = ConfigClusterConnector.fromConfig(config);
        const rollout = new IstioRollout(connector);
        const store = new WaveStore(knex);
        const blastRadius = new BlastRadius(catalog, auth, rollout);

        const notifier = new BackstageWaveNotifier({
          signals,
          notifications,
          logger,
          approvers: settings.approvers,
          ownersOf: async wave => {
            const clusters = await store.clusters(wave.id);
            const registered = (
              await Promise.all(clusters.map(c => registry.get(c.clusterId)))
            ).flatMap(c => (c ? [c] : []));
            const components = await blastRadius.of(registered).catch(() => []);
            return [
              ...registered.flatMap(c => c.owners),
              ...components.flatMap(c => (c.owner ? [c.owner] : [])),
            ];
          },
          wavePath: waveId => `/upgrade-waves/waves/${waveId}`,
        });

        const orchestrator = new WaveOrchestrator(store, {
          registry,
          checks: new WaveCheckSuite({
            kubernetesPreChecks: kubernetesChecks(
              connector,
              kubernetesCheckOptionsFromConfig(config),
            ),
            kubernetesPostChecks: kubernetesPostChecks(connector),
            alerts: configuredLater(
              'upgradeWaves alerts',
              () => createAlertSource(config),
              logger,
            ),
            metrics: configuredLater(
              'upgradeWaves metrics',
              () => createMetricSource(config),
              logger,
            ),
            concurrency: settings.checks.concurrency,
            timeoutMs: settings.checks.timeoutMs,
            logger,
          }),
          gitops: new GitLabWaveMergeRequests(
            configuredLater(
              'GitLab for upgrade waves',
              // the database makes the GitLab rate limit and Retry-After one for all replicas
              () =>
                GitLabMergeRequests.fromConfig(config, {
                  logger,
                  knex,
                  onBlocked: ({ host, until }) =>
                    logger.warn(
                      `GitLab at ${host} asked to be left alone; waiting for GitLab until ${until.toISOString()}`,
                    ),
                }),
              logger,
            ),
            logger,
          ),
          rollout: {
            istiod: (cluster, signal) => rollout.istiod(cluster, { signal }),
            restart: (cluster, stamp, onProgress, signal) =>
              rollout.restartWorkloads(cluster, stamp, {
                concurrency: settings.restartConcurrency,
                onProgress,
                signal,
              }),
            unsettledPods: async (cluster, signal) =>
              (await rollout.podsHealthy(cluster, { signal })).length,
          },
          notifier,
          logger,
          options: settings.orchestrator,
        });

        // Every replica ticks on its own (a local task); claims on waves in the database keep two replicas off
        // the same wave, and a crashed replica's claims run out after orchestratorTimeoutSeconds.
        const leaseMs = settings.orchestratorTimeoutSeconds * 1000;
        await scheduler.scheduleTask({
          id: ORCHESTRATOR_TASK_ID,
          scope: 'local',
          frequency: { seconds: settings.orchestratorFrequencySeconds },
          timeout: { seconds: settings.orchestratorTimeoutSeconds * 2 },
          fn: signal => orchestrator.tick({ leaseMs, signal }),
        });

        const service = new UpgradeWavesService({
          registry,
          clusterAccess: connector,
          store,
          orchestrator,
          blastRadius,
          notifier,
          settings: settings.settings,
          kick: () => {
            scheduler.triggerTask(ORCHESTRATOR_TASK_ID).catch(() => {
              // Already running: the run in flight or the next one takes the new work.
            });
          },
        });

        permissionsRegistry.addPermissions(upgradeWavesPermissions);
        httpRouter.use(createRouter({ service, httpAuth, permissions }));
      },
    });
  },
});
