import {
  permissionsDenyingUsers,
  recordingSignals,
} from '@fleetdeck/backend-common/testUtils';
import {
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import type { AddressInfo } from 'node:net';
import type { Fleet } from '@fleetdeck/sandbox';
import { upgradeWavesPlugin } from '../plugin';

export interface WaveBackendOptions {
  /** App config: `upgradeWaves`, `kubernetes`, `integrations` (e.g. from the sandbox fleet) and `backend.database`. */
  config: object;
  /** Users whose every permission request is denied. */
  deniedUsers?: string[];
  /** The database service, e.g. `databaseServiceOn` a PostgreSQL of `TestDatabases`; by default the one `backend.database` configures. */
  database?: ServiceFactory;
  /** Log level of the backend's logger; silent by default. */
  logLevel?: 'none' | 'error' | 'warn' | 'info' | 'debug';
  /** Catalog entities, for the blast radius and the owners notified. */
  entities?: Entity[];
}

export interface WaveBackend {
  url: string;
  signals: Array<{ channel: string; message: unknown }>;
  notifications: NotificationSendOptions[];
  stop(): Promise<void>;
}

/**
 * The upgrade-waves plugin alone in a backend with the real database and scheduler services, mock auth
 * (send `mockCredentials.user.header(ref)`), an in-memory catalog, and recorded signals and notifications.
 */
export async function startWaveBackend(
  options: WaveBackendOptions,
): Promise<WaveBackend> {
  const signals: WaveBackend['signals'] = [];
  const notifications: NotificationSendOptions[] = [];
  const backend = await startTestBackend({
    features: [
      upgradeWavesPlugin,
      mockServices.rootConfig.factory({ data: options.config as any }),
      mockServices.rootLogger.factory({ level: options.logLevel ?? 'none' }),
      options.database ?? databaseServiceFactory,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      permissionsDenyingUsers(options.deniedUsers ?? []),
      recordingSignals(signals),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(notification: NotificationSendOptions) {
            notifications.push(notification);
          },
        }),
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/upgrade-waves`,
    signals,
    notifications,
    stop: () => backend.stop(),
  };
}

/**
 * Config for a wave backend on the sandbox fleet: its clusters, GitLab and metrics, the given database, and
 * an orchestrator that runs every second; `upgradeWaves` overrides the rest.
 */
export function sandboxWaveConfig(
  fleet: Fleet,
  database: object,
  upgradeWaves: object = {},
): object {
  // The catalog files are only named in the config; nothing here reads them.
  const sandbox = fleet.appConfig({
    catalogFile: 'catalog-unused.yaml',
    rootCatalogFile: 'root-unused.yaml',
  }) as any;
  return {
    backend: { baseUrl: 'http://127.0.0.1', database },
    kubernetes: sandbox.kubernetes,
    integrations: sandbox.integrations,
    upgradeWaves: {
      ...sandbox.upgradeWaves,
      orchestratorFrequencySeconds: 1,
      ...upgradeWaves,
    },
  };
}
